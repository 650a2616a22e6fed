//go:build torch

package runner

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/torchnet"
)

// epoch trains the batches of the current epoch that are left (all of them
// unless the run resumes mid-epoch), drawing the progress bar. On
// cancellation or StopAfterSteps it saves last.ckpt and returns
// ErrInterrupted; a non-finite loss stops the run.
func (r *run) epoch(ctx context.Context) error {
	c, st := r.c, &r.st
	n, sz := r.train.N, r.train.ImageSize()
	steps := (n + c.Batch - 1) / c.Batch
	epoch := st.Epoch
	perm := rand.New(rand.NewPCG(c.Seed, 0xE90C0000+uint64(epoch))).Perm(n)
	var bar *progressbar.ProgressBar
	if r.o.Progress != nil {
		bar = progressbar.NewOptions(steps, progressbar.OptionSetWriter(r.o.Progress),
			progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch+1, c.Epochs)),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(20), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond))
		bar.Set(st.Step)
	}
	xbuf := make([]float32, c.Batch*sz)
	labels := make([]int, c.Batch)
	start := time.Now()
	for st.Step < steps {
		if ctx.Err() != nil || (r.o.StopAfterSteps > 0 && r.done >= r.o.StopAfterSteps) {
			st.Seconds += time.Since(start).Seconds()
			if err := r.save(r.lastPath); err != nil {
				return err
			}
			return fmt.Errorf("%w at epoch %d, batch %d/%d: state saved to %s; continue with --resume", ErrInterrupted, epoch+1, st.Step, steps, r.lastPath)
		}
		lo := st.Step * c.Batch
		hi := min(lo+c.Batch, n)
		idx := perm[lo:hi]
		for k, i := range idx {
			labels[k] = r.noisy[i]
		}
		x := xbuf[:len(idx)*sz]
		rng := rand.New(rand.NewPCG(c.Seed^0xA06, uint64(epoch)<<32|uint64(st.Step)))
		r.train.Batch(x, idx, r.aug, rng)
		loss := r.b.TrainStep(r.opt, r.w, x, labels[:len(idx)])
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("loss is %g at epoch %d, batch %d: stopped; %s", loss, epoch+1, st.Step+1, r.divergedAdvice())
		}
		st.LossSum += loss
		st.LossCount++
		st.Images += len(idx)
		st.Step++
		r.done++
		if bar != nil {
			el := st.Seconds + time.Since(start).Seconds()
			acc := ""
			if k := len(r.rows); k > 0 {
				acc = fmt.Sprintf(" test acc %.2f%% (epoch %d)", 100*r.rows[k-1].TestAcc, k)
			}
			bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f%s %.1f img/s", epoch+1, c.Epochs, st.LossSum/float64(st.LossCount), acc, float64(st.Images)/el))
			bar.Set(st.Step)
		}
	}
	st.Seconds += time.Since(start).Seconds()
	if bar != nil {
		bar.Finish()
	}
	return nil
}

// divergedAdvice says what a user can do about a run that diverged: a
// resume keeps lr and rho and would take the same steps again, so the way
// on is a new run with smaller ones (in this folder when nothing was saved
// yet, in another --out when last.ckpt holds earlier epochs).
func (r *run) divergedAdvice() string {
	if _, err := os.Stat(r.lastPath); err != nil {
		return "nothing was saved (no epoch finished): start again in the same --out, without --resume, with a smaller --lr or --rho"
	}
	return fmt.Sprintf("%s keeps the last good state, but resuming it takes the same steps again (a resume keeps lr and rho): start a new run in another --out with a smaller --lr or --rho", r.lastPath)
}

// evaluate measures the epoch just trained (test accuracy; train, clean and
// flipped accuracy on the first EvalTrain examples), moves the state to the
// next epoch and the best test accuracy, and returns the epoch's metrics.
// Weights that are no longer finite stop the run.
func (r *run) evaluate() (Row, error) {
	c, st := r.c, &r.st
	epoch := st.Epoch
	if !r.w.Finite() {
		return Row{}, fmt.Errorf("weights are not finite after epoch %d: stopped; %s", epoch+1, r.divergedAdvice())
	}
	row := Row{Epoch: epoch + 1, Loss: st.LossSum / float64(st.LossCount), Seconds: st.Seconds, ImagesPerSec: float64(st.Images) / st.Seconds}
	row.TestAcc = accuracy(r.b, r.w, r.test, r.test.Labels, nil, false)
	ev := r.train.Subset(c.EvalTrain)
	row.TrainAcc = accuracy(r.b, r.w, ev, r.noisy, nil, false)
	row.CleanAcc = accuracy(r.b, r.w, ev, r.noisy, r.flipped, false)
	row.FlippedAcc = accuracy(r.b, r.w, ev, r.noisy, r.flipped, true)
	st.Epoch, st.Step, st.LossSum, st.LossCount, st.Seconds, st.Images = epoch+1, 0, 0, 0, 0, 0
	if row.TestAcc > st.BestTestAcc || st.BestEpoch == 0 {
		st.BestTestAcc, st.BestEpoch = row.TestAcc, epoch+1
	}
	row.BestTestAcc, row.BestEpoch = st.BestTestAcc, st.BestEpoch
	return row, nil
}

// accuracy evaluates w (BatchNorm in eval mode) on s against labels. With
// mask non-nil only examples with mask[i] == want count. An empty selection
// gives 0.
func accuracy(b *torchnet.Backend, w torchnet.Vec, s *dataset.Set, labels []int, mask []bool, want bool) float64 {
	const eb = 500
	sz := s.ImageSize()
	x := make([]float32, eb*sz)
	var idx []int
	right, total := 0, 0
	flush := func() {
		if len(idx) == 0 {
			return
		}
		s.Batch(x[:len(idx)*sz], idx, dataset.Augment{}, nil)
		pred := b.Predict(w, x[:len(idx)*sz], len(idx))
		for k, i := range idx {
			if pred[k] == labels[i] {
				right++
			}
		}
		total += len(idx)
		idx = idx[:0]
	}
	for i := 0; i < s.N; i++ {
		if mask != nil && mask[i] != want {
			continue
		}
		idx = append(idx, i)
		if len(idx) == eb {
			flush()
		}
	}
	flush()
	if total == 0 {
		return 0
	}
	return float64(right) / float64(total)
}
