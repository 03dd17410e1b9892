package nnlib

import (
	"math"
	"strings"
	"testing"
)

func TestSchedules(t *testing.T) {
	tests := []struct {
		name  string
		s     Schedule
		rates map[int]float64 // epoch → rate, computed by hand
	}{
		// PyTorch StepLR(step_size=3, gamma=0.5): 0.1 for epochs 0–2, 0.05 for 3–5, ...
		{"StepDecay", StepDecay{Initial: 0.1, Gamma: 0.5, Every: 3}, map[int]float64{
			0: 0.1, 1: 0.1, 2: 0.1, 3: 0.05, 5: 0.05, 6: 0.025, 9: 0.0125,
		}},
		{"StepDecay default gamma 0.1", StepDecay{Initial: 1, Every: 2}, map[int]float64{
			0: 1, 1: 1, 2: 0.1, 3: 0.1, 4: 0.01,
		}},
		{"ExponentialDecay", ExponentialDecay{Initial: 1, Gamma: 0.9}, map[int]float64{
			0: 1, 1: 0.9, 2: 0.81, 3: 0.729,
		}},
		// η(1) = 0.1 + 0.9·(1 + cos(π/4))/2 = 0.1 + 0.9·0.85355339…
		{"CosineDecay", CosineDecay{Initial: 1, Min: 0.1, Epochs: 4}, map[int]float64{
			0: 1, 1: 0.8681980515339464, 2: 0.55, 3: 0.2318019484660536, 4: 0.1,
			6: 0.55, 8: 1, // past Epochs the cosine rises again, as in PyTorch
		}},
		{"CosineDecay to 0", CosineDecay{Initial: 0.2, Epochs: 10}, map[int]float64{
			0: 0.2, 5: 0.1, 10: 0,
		}},
	}
	for _, tt := range tests {
		if err := tt.s.(interface{ Validate() error }).Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
		for e, want := range tt.rates {
			if got := tt.s.Rate(e); math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: Rate(%d) = %.17g, want %v", tt.name, e, got, want)
			}
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		s    interface{ Validate() error }
		want string
	}{
		{StepDecay{Initial: 0.1}, "StepDecay.Every is 0"},
		{StepDecay{Every: 10}, "StepDecay.Initial is 0"},
		{StepDecay{Initial: 0.1, Every: 10, Gamma: 2}, "StepDecay.Gamma is 2"},
		{StepDecay{Initial: 0.1, Every: 10, Gamma: -0.5}, "StepDecay.Gamma is -0.5"},
		{ExponentialDecay{Initial: 0.1}, "ExponentialDecay.Gamma is 0"},
		{ExponentialDecay{Initial: math.NaN(), Gamma: 0.9}, "ExponentialDecay.Initial is NaN"},
		{ExponentialDecay{Initial: 0.1, Gamma: 1.5}, "ExponentialDecay.Gamma is 1.5"},
		{CosineDecay{Initial: 0.1}, "CosineDecay.Epochs is 0"},
		{CosineDecay{Initial: -1, Epochs: 5}, "CosineDecay.Initial is -1"},
		{CosineDecay{Initial: 0.1, Min: 0.2, Epochs: 5}, "CosineDecay.Min is 0.2"},
	}
	for _, tt := range tests {
		err := tt.s.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: Validate() = %v, want an error containing %q", tt.s, err, tt.want)
		}
	}
}
