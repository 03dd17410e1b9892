package nnlib

import "time"

// History records a training run, one entry per epoch, in the order the
// epochs ran. Slices that do not apply (validation without a validation
// set, accuracy for regression, learning rates of an optimizer that is
// not a [RateSetter]) are nil.
type History struct {
	// TrainLoss is the mean data loss over the epoch's examples (batch
	// losses weighted by batch size), without the regularizer's penalty.
	TrainLoss []float64
	// ValLoss is the loss on the validation set after the epoch, in
	// inference mode.
	ValLoss []float64
	// TrainAccuracy is the fraction of the epoch's training examples
	// classified right, counted from each batch's predictions as it was
	// trained on.
	TrainAccuracy []float64
	// ValAccuracy is the accuracy on the validation set after the epoch.
	ValAccuracy []float64
	// LearningRate is the optimizer's learning rate during the epoch.
	LearningRate []float64
	// Duration is the wall time of the epoch, validation included.
	Duration []time.Duration
	// BestEpoch is the 1-based epoch with the lowest validation loss (the
	// lowest training loss without validation data).
	BestEpoch int
	// StoppedEarly is true when early stopping (Trainer.Patience) ended
	// the run before its last epoch.
	StoppedEarly bool
}

// Epochs returns the number of epochs recorded.
func (h *History) Epochs() int { return len(h.TrainLoss) }
