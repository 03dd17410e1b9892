package nnlib

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate for each epoch. [Trainer] calls
// Rate(e) before epoch e (0-based: the first epoch is 0) and passes the
// result to the optimizer's SetRate (see [RateSetter]), the way PyTorch
// calls scheduler.step() once per epoch.
//
// StepDecay, ExponentialDecay and CosineDecay are value types with a
// Validate method; Initial is the rate of epoch 0 and must be set.
// Taught in notebook 07-optimizers.
type Schedule interface {
	Rate(epoch int) float64
}

var (
	_ Schedule = StepDecay{}
	_ Schedule = ExponentialDecay{}
	_ Schedule = CosineDecay{}
)

// StepDecay multiplies the learning rate by Gamma every Every epochs,
// PyTorch's torch.optim.lr_scheduler.StepLR:
//
//	η(e) = Initial · Gamma^⌊e / Every⌋
//
// Gamma defaults to 0.1 when zero (as in PyTorch); Initial and Every must
// be set.
type StepDecay struct {
	Initial float64 // η(0) > 0
	Gamma   float64 // factor in (0, 1]; 0 means 0.1
	Every   int     // epochs between decays, ≥ 1
}

// Rate returns the learning rate of 0-based epoch e.
func (s StepDecay) Rate(e int) float64 {
	every := max(s.Every, 1)
	return s.Initial * math.Pow(orDefault(s.Gamma, 0.1), float64(e/every))
}

// Validate reports settings out of range.
func (s StepDecay) Validate() error {
	if s.Every < 1 {
		return fmt.Errorf("nnlib: StepDecay.Every is %d; it must be ≥ 1 (the number of epochs between decays)", s.Every)
	}
	return firstError(
		checkInitial("StepDecay.Initial", s.Initial),
		checkGamma("StepDecay.Gamma", s.Gamma, "(0 means the default 0.1)"),
	)
}

// ExponentialDecay multiplies the learning rate by Gamma every epoch,
// PyTorch's torch.optim.lr_scheduler.ExponentialLR:
//
//	η(e) = Initial · Gammaᵉ
//
// Both fields must be set.
type ExponentialDecay struct {
	Initial float64 // η(0) > 0
	Gamma   float64 // factor per epoch in (0, 1], e.g. 0.95
}

// Rate returns the learning rate of 0-based epoch e.
func (s ExponentialDecay) Rate(e int) float64 {
	return s.Initial * math.Pow(s.Gamma, float64(e))
}

// Validate reports settings out of range.
func (s ExponentialDecay) Validate() error {
	if s.Gamma == 0 {
		return fmt.Errorf("nnlib: ExponentialDecay.Gamma is 0; set it to the factor per epoch in (0, 1], e.g. 0.95")
	}
	return firstError(
		checkInitial("ExponentialDecay.Initial", s.Initial),
		checkGamma("ExponentialDecay.Gamma", s.Gamma, "(e.g. 0.95)"),
	)
}

// CosineDecay lowers the learning rate from Initial to Min along half a
// cosine over Epochs epochs, PyTorch's
// torch.optim.lr_scheduler.CosineAnnealingLR with T_max = Epochs and
// eta_min = Min (its closed form):
//
//	η(e) = Min + (Initial − Min) · (1 + cos(π·e / Epochs)) / 2
//
// so η(0) = Initial and η(Epochs) = Min. As in PyTorch the cosine goes on
// past Epochs (the rate rises again), so set Epochs to the number of
// epochs trained. Loshchilov & Hutter, "SGDR", arXiv:1608.03983.
type CosineDecay struct {
	Initial float64 // η(0) > 0
	Min     float64 // η(Epochs), in [0, Initial]; 0 by default
	Epochs  int     // length of the decay in epochs, ≥ 1
}

// Rate returns the learning rate of 0-based epoch e.
func (s CosineDecay) Rate(e int) float64 {
	epochs := max(s.Epochs, 1)
	return s.Min + (s.Initial-s.Min)*(1+math.Cos(math.Pi*float64(e)/float64(epochs)))/2
}

// Validate reports settings out of range.
func (s CosineDecay) Validate() error {
	if s.Epochs < 1 {
		return fmt.Errorf("nnlib: CosineDecay.Epochs is %d; it must be ≥ 1 (usually Trainer.Epochs)", s.Epochs)
	}
	if err := checkInitial("CosineDecay.Initial", s.Initial); err != nil {
		return err
	}
	if !(s.Min >= 0 && s.Min <= s.Initial) {
		return fmt.Errorf("nnlib: CosineDecay.Min is %v; it must be in [0, Initial] = [0, %v]", s.Min, s.Initial)
	}
	return nil
}

func checkInitial(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("nnlib: %s is %v; it must be > 0 (the learning rate of the first epoch, e.g. 0.1)", name, v)
	}
	return nil
}

func checkGamma(name string, v float64, hint string) error {
	if !(v >= 0 && v <= 1) {
		return fmt.Errorf("nnlib: %s is %v; it must be in (0, 1] %s", name, v, hint)
	}
	return nil
}
