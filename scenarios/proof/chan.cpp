// proof/chan: a buffered channel loses, duplicates and reorders nothing, on
// every schedule the explorer runs.
//
// Two producers send two numbers each into a channel of capacity 1; the
// consumer checks that each producer's numbers arrive in order and that all
// four arrive.
#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  Chan<int> ch = make_chan<int>(1, "ch");
  for (int p = 0; p < 2; p++) {
    go([ch, p] {
      for (int i = 0; i < 2; i++) ch.Send(p * 10 + i);
    }, "producer");
  }
  int next[2] = {0, 0};  // per producer: the next number it must send
  for (int n = 0; n < 4; n++) {
    const int v = ch.Recv();
    const int p = v / 10;
    check(p >= 0 && p < 2 && v % 10 == next[p], "received " + std::to_string(v) + " out of order");
    if (p >= 0 && p < 2) next[p]++;
  }
  check(next[0] == 2 && next[1] == 2, "a value was lost");
}

}  // namespace

extern const Scenario kProofChan{
    "proof/chan",
    "A proof by exhaustive search: a buffered channel keeps each sender's order (2 x 2 sends, cap 1)",
    "Both producers race for the one slot and for the receiver: direct handoff, the "
    "buffer, parked senders and the rotate receive all happen on some schedule. "
    "`synclab explore proof/chan --strategy dfs` runs every schedule within the "
    "bound and says the space was exhausted.",
    std::source_location::current().file_name(),
    3,
    &Main,
};

}  // namespace synclab::scenarios
