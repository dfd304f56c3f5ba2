// context/cause: WithCancelCause records why; Err stays Canceled, Cause
// tells the reason, and children inherit the parent's cause.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

void Main(const Config&) {
  auto [group, cancel] = ctx::with_cancel_cause(ctx::background(), "group");
  const error disk_full = errors::New("disk full");
  WaitGroup wg{"wg"};
  for (int i = 0; i < 3; i++) {
    wg.Add(1);
    go([&wg, &disk_full, group = group, cancel = cancel, i] {
      auto [mine, done] = ctx::with_cancel(group, "task");
      if (i == 1) {
        sleep(1ms);
        cancel(disk_full);  // the first failure cancels the group with its reason
      }
      mine.Done().Recv();
      check(mine.Err() == ctx::Canceled, "Err is Canceled whatever the cause");
      check(ctx::cause(mine) == disk_full, "a child's cause is the parent's");
      done();
      wg.Done();
    }, "task");
  }
  wg.Wait();
  check(ctx::cause(group).Error() == "disk full", "the group's cause");
}

}  // namespace

extern const Scenario kContextCause{
    "context/cause",
    "WithCancelCause: Err says canceled, Cause says why",
    "Three tasks derive from a WithCancelCause context. Task 1 fails and calls "
    "cancel(disk_full): the group's err is Canceled and its cause disk_full "
    "(ctx.cancel with both as text); its children are cancelled with the same err "
    "and cause, so every task's Cause() is disk_full. Go 1.20 added causes so that "
    "Err() can stay one of its two values while the reason travels too.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
