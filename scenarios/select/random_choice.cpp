// select/random-choice: when several cases are ready, select picks one at
// random, so no case can starve the others.
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  auto a = make_chan<int>(1, "a");
  auto b = make_chan<int>(1, "b");
  int from_a = 0, from_b = 0;
  for (int i = 0; i < 20; i++) {
    if (a.Len() == 0) a.Send(1);
    if (b.Len() == 0) b.Send(2);
    // Both are ready every time.
    select(recv_case(a, [&](int) { from_a++; }), recv_case(b, [&](int) { from_b++; }));
  }
  check(from_a > 0 && from_b > 0, "a " + std::to_string(from_a) + " times, b " + std::to_string(from_b));
}

}  // namespace

extern const Scenario kSelectRandomChoice{
    "select/random-choice",
    "Two cases always ready: select picks each about half the time, in a random poll order",
    "Both channels hold an item at every select, so pass 1 runs the first case it polls. "
    "The poll order is a fresh random permutation each time (select.case poll=0 or 1; in "
    "the sim drawn from the run's seed, so a seed replays the same choices), and "
    "select.ready says which case won. Over 20 selects both win, about 10 times each: "
    "a select never favours its first case, unlike a switch. Try other seeds. Ends ok "
    "for every seed.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
