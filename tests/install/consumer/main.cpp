// Uses installed synclab headers and libraries: the Mutex as an ordinary C++
// mutex on plain threads, then a traced sim run written as JSON.
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "synclab/go.h"
#include "synclab/instrument/json.h"
#include "synclab/instrument/recorder.h"
#include "synclab/mutex.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

int main() {
  synclab::Mutex mu;
  int count = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; i++) {
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; j++) {
        std::lock_guard lock(mu);
        count++;
      }
    });
  }
  for (auto& t : threads) t.join();

  synclab::instrument::Recorder recorder;
  synclab::sim::Options options;
  options.sink = &recorder;
  synclab::sim::Result r = synclab::sim::Run([] {
    synclab::Mutex m{"m"};
    synclab::WaitGroup wg;
    wg.Add(2);
    for (int i = 0; i < 2; i++) synclab::go([&] { m.Lock(); m.Unlock(); wg.Done(); });
    wg.Wait();
  }, options);
  synclab::instrument::Trace trace = recorder.Finish({"consumer", "sim", 1, "random", 2}, r.outcome, r.schedule);
  std::string json = synclab::instrument::ToJson(trace);
  std::cout << "count=" << count << " events=" << trace.events.size()
            << " outcome=" << synclab::rt::Name(r.outcome.status) << "\n";
  return count == 4000 && !trace.events.empty() && json.find("\"mutex\"") != std::string::npos ? 0 : 1;
}
