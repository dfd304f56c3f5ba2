// errgroup/first-error-cancels: three fetchers run in an errgroup made
// WithContext. One fails; its error becomes the group's error and cancels
// the group's context with that error as the cause, so the other two,
// which watch ctx.Done() between their steps, stop early instead of
// finishing work nobody will use. Wait returns the first error.
#include <chrono>
#include <string>

#include "synclab/context.h"
#include "synclab/errgroup.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/time.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

void Main(const Config&) {
  const error unreachable = errors::New("fetch mirror-2: connection refused");
  auto [g, c] = errgroup::WithContext(ctx::background(), "fetch");
  int pages_done[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    g->Go([&, i, c = c]() -> error {
      if (i == 2) {
        sleep(3ms);
        return unreachable;  // the first (and only) failure
      }
      // Ten pages of 2 ms each, unless the group gives up first.
      for (int page = 0; page < 10; page++) {
        bool cancelled = false;
        select(recv_case(c.Done(), [&] { cancelled = true; }), recv_case(after(2ms), [](Time) {}));
        if (cancelled) return c.Err();  // Canceled: not the group's error, which is already set
        pages_done[i]++;
      }
      return error();
    });
  }
  const error err = g->Wait();
  check(err == unreachable, "Wait returns the first error");
  check(ctx::cause(c) == unreachable, "the context's cause is the first error");
  check(c.Err() == ctx::Canceled, "the context's Err is Canceled");
  check(pages_done[0] < 10 && pages_done[1] < 10, "the other fetchers stopped early");
}

}  // namespace

extern const Scenario kErrGroupFirstErrorCancels{
    "errgroup/first-error-cancels",
    "WithContext: the first error cancels the others' context, cause = that error",
    "WithContext derives fetch.ctx with WithCancelCause (eg.with_context). Three tasks "
    "start (eg.go, eg.task.begin). At 3 ms the third returns its error: inside errOnce "
    "(once.run.begin) it becomes the group's error and cancel(err) cancels fetch.ctx with "
    "that cause (ctx.cancel, then eg.go.first_error cancel=true). The other two are "
    "parked in a select on ctx.Done() and a 2 ms timer: the close wakes them, they return "
    "Canceled (eg.task.end failed=true), which errOnce ignores. eg.wait.end returns the "
    "first error; ctx's Cause is it, its Err is Canceled.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
