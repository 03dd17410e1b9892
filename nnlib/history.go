package nnlib

import "time"

// History records a training run, one entry per epoch, in the order the
// epochs ran. Slices that do not apply (validation without a validation
// set, accuracy for regression) are nil.
type History struct {
	TrainLoss     []float64       // mean data loss over the epoch's batches (penalty excluded)
	ValLoss       []float64       // loss on the validation set after the epoch
	TrainAccuracy []float64       // fraction of the epoch's training examples classified right
	ValAccuracy   []float64       // accuracy on the validation set after the epoch
	LearningRate  []float64       // learning rate used during the epoch
	Duration      []time.Duration // wall time of the epoch
	BestEpoch     int             // 1-based epoch with the lowest validation (else training) loss
	StoppedEarly  bool            // true when early stopping ended the run
}

// Epochs returns the number of epochs recorded.
func (h *History) Epochs() int { return len(h.TrainLoss) }
