package gemm

import "testing"

// TestPeakGFLOPS checks that the measured peak is a plausible rate where
// an FMA loop exists and 0 where it cannot be measured. (How fast is a
// benchmark's business: BenchmarkPeak.)
func TestPeakGFLOPS(t *testing.T) {
	one := PeakGFLOPS(Float64, 1)
	if _, _, ok := peakLoop(Float64); !ok {
		if one != 0 {
			t.Fatalf("PeakGFLOPS = %v without an FMA loop, want 0", one)
		}
		t.Skip("no FMA loop on this CPU")
	}
	if one < 1 || one > 1000 {
		t.Errorf("PeakGFLOPS(Float64, 1) = %.1f, want a plausible 1–1000 GFLOP/s", one)
	}
	if _, _, ok := peakLoop(Float32); ok {
		if f := PeakGFLOPS(Float32, 1); f < 1 || f > 2000 {
			t.Errorf("PeakGFLOPS(Float32, 1) = %.1f, want a plausible 1–2000 GFLOP/s", f)
		}
	} else if f := PeakGFLOPS(Float32, 1); f != 0 {
		t.Errorf("PeakGFLOPS(Float32, 1) = %.1f without a float32 FMA loop, want 0", f)
	}
	if PeakGFLOPS(Float64, 0) != 0 {
		t.Error("PeakGFLOPS with 0 threads is not 0")
	}
}
