// classic/h2o and classic/h2o-without-barrier: the course's water factory.
//
// Hydrogen and oxygen atoms arrive as goroutines, in any order, and must
// leave in molecules: each three atoms that leave one after another are two
// H and one O. An atom "leaves" by writing its letter to the output channel.
//
// Two semaphores admit the atoms of one molecule: semaH (Weighted 2) two
// hydrogens, semaO (Weighted 1) one oxygen. That alone is not enough: an atom
// that has left gives its token back at once, and the next hydrogen can leave
// before this molecule's oxygen has. The CyclicBarrier of 3 is the fix: the
// three atoms of a molecule wait for each other after leaving, and give their
// tokens back only when the barrier trips, so no atom of the next molecule is
// admitted until all three of this one have left.
#include <string>

#include "synclab/barrier.h"
#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

// The atoms in the order their goroutines start: 6 H and 3 O, 3 molecules.
constexpr std::string_view kAtoms = "HHHHOHOOH";

class H2O {
 public:
  explicit H2O(bool barrier) : use_barrier_(barrier) {}

  void Hydrogen(Chan<char> out) { Bond(semaH_, 'H', out); }
  void Oxygen(Chan<char> out) { Bond(semaO_, 'O', out); }

 private:
  void Bond(semaphore::Weighted& sema, char atom, Chan<char> out) {
    const context::Context ctx = context::background();
    if (error err = sema.Acquire(ctx, 1)) return check(false, "Acquire failed: " + err.Error());
    out.Send(atom);  // leave
    if (use_barrier_) {
      if (error err = barrier_.Await(ctx)) return check(false, "Await failed: " + err.Error());
    }
    sema.Release(1);
  }

  const bool use_barrier_;
  semaphore::Weighted semaH_{2, "semaH"};
  semaphore::Weighted semaO_{1, "semaO"};
  cyclicbarrier::CyclicBarrier barrier_ = cyclicbarrier::New(3, "molecule");
};

void Factory(bool barrier) {
  H2O h2o(barrier);
  auto out = make_chan<char>(kAtoms.size(), "out");
  WaitGroup wg{"atoms"};
  wg.Add(int(kAtoms.size()));
  for (char atom : kAtoms) {
    go([&, atom] {
      atom == 'H' ? h2o.Hydrogen(out) : h2o.Oxygen(out);
      wg.Done();
    }, atom == 'H' ? "hydrogen" : "oxygen");
  }
  wg.Wait();
  // Every three letters in the order they left: one molecule.
  for (std::size_t m = 0; m < kAtoms.size() / 3; m++) {
    std::string molecule;
    for (int i = 0; i < 3; i++) molecule += out.Recv();
    const auto hydrogens = std::count(molecule.begin(), molecule.end(), 'H');
    check(hydrogens == 2, "molecule " + std::to_string(m + 1) + " is " + molecule +
                              ": not two H and one O");
  }
}

void WithBarrier(const Config&) { Factory(true); }
void WithoutBarrier(const Config&) { Factory(false); }

}  // namespace

extern const Scenario kClassicH2o{
    "classic/h2o",
    "The water factory: two semaphores and a CyclicBarrier of 3 make every three atoms one H2O",
    "Two hydrogens get semaH's two tokens and one oxygen semaO's token "
    "(wsem.acquire.fast); later atoms queue (wsem.acquire.enqueue). The three admitted "
    "atoms leave (chan.send.buffer on out) and wait at the barrier (cb.await.arrive, count 1, "
    "2); the third trips it (cb.trip): the round's channel is closed, all three go on, "
    "and only now give their tokens back (wsem.release), which admits the next "
    "molecule's atoms (wsem.notify.grant). Main reads the letters in threes at the "
    "end and checks each is two H and one O. Compare classic/h2o-without-barrier. "
    "Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &WithBarrier,
};

extern const Scenario kClassicH2oWithoutBarrier{
    "classic/h2o-without-barrier",
    "The water factory without its barrier: an atom gives its token back as it leaves and molecules mix",
    "The same atoms and semaphores, but an atom releases its token right after it "
    "leaves (chan.send.buffer, then wsem.release). A hydrogen that has left lets the next "
    "hydrogen in (wsem.notify.grant) before this molecule's oxygen has left, so three "
    "hydrogens can leave in a row and main's check finds a molecule of HHH. The "
    "semaphores bound how many atoms are inside; only the barrier makes the three of "
    "one molecule leave together. Fails its check for the default seed.",
    std::source_location::current().file_name(),
    2,
    &WithoutBarrier,
};

}  // namespace synclab::scenarios
