// Package viz draws the course's plots with gonum/plot and shows them inline
// in GoNB notebooks.
//
// # Overview
//
// Plot builders return a *plot.Plot that can be changed further (titles,
// axis ranges) before it is shown:
//
//	LossCurves, AccuracyCurves   a training History, one point per epoch
//	Lines                        several runs on one plot (optimizers, learning rates)
//	Activation                   f(z) and f′(z) of an activation function
//	Histogram                    weights or activations of one layer
//	Scatter, DecisionBoundary    2-D data coloured by class
//	Contour                      a 2-D loss surface and optimizer paths over it
//	ConfusionMatrix              counts of (actual, predicted) class pairs
//
// ImageGrid lays out rows of a matrix as small grey images (MNIST digits)
// with a caption under each, and returns an image.Image.
//
// # Display
//
// Show, ShowSize, ShowImage and ShowGrid display a plot or image inline when
// the code runs in a GoNB notebook. Anywhere else (go test, a command) they
// write a PNG file into the folder named by the NNLIB_PLOT_DIR environment
// variable, or os.TempDir()/nnlib-plots when it is unset, and print the
// path ("viz: wrote /tmp/nnlib-plots/plot-3-loss.png"). Live shows training
// progress while [nnlib.Trainer] runs.
//
// # Errors
//
// Builders return an error, never a plot with holes, when the data has NaN
// or ±Inf values. A diverged training run is the usual cause, so the message
// says where the bad values start and what to try, for example
//
//	viz: training loss is NaN from epoch 12 on; try a smaller learning rate
//
// Such errors wrap plotter.ErrNaN or plotter.ErrInfinity for errors.Is.
// Mismatched lengths and shapes are errors too, since they usually come
// from data rather than from code.
//
// # Style
//
// Every plot uses DejaVu Sans, whose wide Unicode coverage includes the
// Greek letters, primes, arrows and sub- and superscripts of the course's
// labels ("w₁₀", "f′(z)", "10⁻³"), light grid lines and the Okabe–Ito
// palette, which stays distinguishable for the common forms of colour
// blindness; lines also differ in dash pattern and points in glyph shape.
// PNGs are rendered at [DPI] dots per inch.
//
// A plot is laid out when it is drawn, for the size it is drawn at: axes
// get as many tick labels as fit without overlapping, and the legend goes
// in a corner where it covers no data, else above the data (the y axis
// grows to make room) or to the right of the plot. A legend moved by
// setting p.Legend's fields stays where it was put.
package viz
