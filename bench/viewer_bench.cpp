// viewer_bench: the viewer on a trace of a million events.
//
//   Open            ReadJsonFile + Build (budget: 3 s)
//   BuildModel      Build alone, on a trace already in memory
//   Seek            the state at a random step (budget: 10 ms)
//   FrameZoomedOut  the timeline of the whole trace, one frame on ImGui's
//                   null backend: the CPU side of a frame, which is what the
//                   level of detail is for (budget: 16 ms)
// Counters: events, the peak RSS of this process (budget: 1 GB), and the
// slowest seek and frame seen.
//
// Two traces, each recorded once into a temporary file by a child process
// (so that the peak RSS measures opening and viewing it, not making it):
//   mutex  8 workers contending for two Mutexes;
//   mixed  the other kinds: workers reading and writing under an RWMutex,
//          a bounded queue on a Mutex and two Conds, a Once, atomics, a
//          WaitGroup per round, a 200-key Map read mostly, a Pool of
//          buffers and a GC every 2 ms of virtual time.
// The frame draws each trace's default object lanes too.
#include <benchmark/benchmark.h>
#include <imgui.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <string>

#include "synclab/atomic.h"
#include "synclab/cond.h"
#include "synclab/go.h"
#include "synclab/instrument/json.h"
#include "synclab/instrument/recorder.h"
#include "synclab/map.h"
#include "synclab/mutex.h"
#include "synclab/once.h"
#include "synclab/pool.h"
#include "synclab/rwmutex.h"
#include "synclab/sim.h"
#include "synclab/viewer/model.h"
#include "synclab/viewer/panels.h"
#include "synclab/wait_group.h"

namespace {

using namespace synclab;
using namespace std::chrono_literals;

constexpr std::uint64_t kEvents = 1'000'000;

instrument::Trace GenerateMutex() {
  instrument::Recorder rec;
  sim::Options o;
  o.seed = 7;
  o.procs = 4;
  o.sink = &rec;
  o.max_steps = 1'000'000'000;
  auto main = [&] {
    Mutex a{"a"}, b{"b"};
    WaitGroup wg{"wg"};
    constexpr int kWorkers = 8;
    wg.Add(kWorkers);
    for (int w = 0; w < kWorkers; ++w) {
      go([&, w] {
        // A per-worker LCG picks the Mutex, how long to hold it and whether
        // to nap, so holds vary and some waiters starve.
        std::uint32_t x = std::uint32_t(w) * 7919u + 1;
        while (rec.event_count() < kEvents) {
          x = x * 1103515245u + 12345u;
          Mutex& mu = (x >> 16 & 1) != 0 ? a : b;
          mu.Lock();
          work(std::chrono::microseconds(x >> 20 & 255));
          mu.Unlock();
          if ((x >> 8) % 5 == 0) sleep(50us);
        }
        wg.Done();
      }, "worker");
    }
    wg.Wait();
  };
  sim::Result r = sim::Run(main, o);
  return rec.Finish({"bench/viewer", "sim", o.seed, "random", o.procs}, r.outcome, r.schedule);
}

instrument::Trace GenerateMixed() {
  instrument::Recorder rec;
  sim::Options o;
  o.seed = 7;
  o.procs = 4;
  o.sink = &rec;
  o.max_steps = 1'000'000'000;
  o.gc_every_ns = 2'000'000;
  auto main = [&] {
    RWMutex rw{"rw"};
    Map<int, int> cache{"cache"};
    Pool<std::array<char, 64>> buffers([] { return std::make_unique<std::array<char, 64>>(); }, "buffers");
    Mutex qmu{"qmu"};
    Cond not_empty{qmu, "not_empty"}, not_full{qmu, "not_full"};
    Once once{"once"};
    atomic::Int64 reads{0, "reads"};
    int queued = 0, config = 0;
    constexpr int kCapacity = 4;
    while (rec.event_count() < kEvents) {
      WaitGroup wg{"round"};
      constexpr int kWorkers = 8;
      wg.Add(kWorkers);
      for (int w = 0; w < kWorkers; ++w) {
        go([&, w] {
          once.Do([&] { config = 1; });
          std::uint32_t x = std::uint32_t(w) * 7919u + 1;
          for (int i = 0; i < 200; ++i) {
            x = x * 1103515245u + 12345u;
            switch (x >> 16 & 7) {
              case 0:  // write
                rw.Lock();
                work(std::chrono::microseconds(x >> 20 & 15));
                rw.Unlock();
                break;
              case 1:  // put an item in the queue, then take one out: a producer
                       // waits while it is full; a consumer never finds it
                       // empty (its own item is in it), so nobody waits forever
                qmu.Lock();
                while (queued == kCapacity) not_full.Wait();
                queued++;
                not_empty.Signal();
                qmu.Unlock();
                work(std::chrono::microseconds(x >> 24 & 7));
                qmu.Lock();
                while (queued == 0) not_empty.Wait();
                queued--;
                not_full.Signal();
                qmu.Unlock();
                break;
              case 2:  // read the config
                if (config != 1) std::abort();
                break;
              case 3:  // the cache: mostly loads of keys it has, a store in 8
                if ((x >> 20 & 7) == 0) {
                  cache.Store(int(x >> 8) % 200, int(x));
                } else {
                  benchmark::DoNotOptimize(cache.Load(int(x >> 8) % 200));
                }
                break;
              case 4: {  // a scratch buffer from the pool
                auto b = buffers.Get();
                (*b)[0] = char(x);
                buffers.Put(std::move(b));
                break;
              }
              default:  // read
                rw.RLock();
                reads.Add(1);
                rw.RUnlock();
            }
          }
          wg.Done();
        }, "worker");
      }
      wg.Wait();
    }
    benchmark::DoNotOptimize(config);
  };
  sim::Result r = sim::Run(main, o);
  return rec.Finish({"bench/viewer-mixed", "sim", o.seed, "random", o.procs}, r.outcome, r.schedule);
}

struct TraceFile {
  const char* name;
  instrument::Trace (*generate)();
  std::string path;
};
TraceFile g_traces[] = {{"mutex", &GenerateMutex, ""}, {"mixed", &GenerateMixed, ""}};

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024;  // ru_maxrss is in KiB on Linux
}

// The model of trace i, built once.
const viewer::Model& SharedModel(std::size_t i) {
  static std::optional<viewer::Model> models[std::size(g_traces)];
  if (!models[i]) models[i] = viewer::Build(instrument::ReadJsonFile(g_traces[i].path));
  return *models[i];
}

void Open(benchmark::State& st, std::size_t i) {
  const std::string& g_path = g_traces[i].path;
  std::size_t events = 0;
  for (auto _ : st) {
    viewer::Model m = viewer::Build(instrument::ReadJsonFile(g_path));
    events = m.size();
    benchmark::DoNotOptimize(m);
  }
  st.counters["events"] = double(events);
  st.counters["peak_rss_MB"] = PeakRssMb();
}

// The model's part of opening: Build on a trace already read.
void BuildModel(benchmark::State& st, std::size_t i) {
  const std::string& g_path = g_traces[i].path;
  const instrument::Trace trace = instrument::ReadJsonFile(g_path);
  for (auto _ : st) {
    st.PauseTiming();
    instrument::Trace copy = trace;
    st.ResumeTiming();
    benchmark::DoNotOptimize(viewer::Build(std::move(copy)));
  }
  st.counters["peak_rss_MB"] = PeakRssMb();
}

void Seek(benchmark::State& st, std::size_t i) {
  const viewer::Model& m = SharedModel(i);
  std::mt19937_64 rng(1);
  double worst = 0;
  for (auto _ : st) {
    // Each step differs from the last, so the cache never answers.
    const std::uint64_t step = rng() % m.size();
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(m.At(step).state.applied());
    worst = std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  st.counters["worst_ms"] = worst;
  st.counters["peak_rss_MB"] = PeakRssMb();
}

void FrameZoomedOut(benchmark::State& st, std::size_t i) {
  const viewer::Model& m = SharedModel(i);
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1600, 900);
  io.DeltaTime = 1.0f / 60;
  // As the OpenGL 3 backend does: draw lists may pass 64k vertices.
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  viewer::TimelineView view;  // from 0 to 0: fit, the whole trace
  viewer::Cursor c;
  c.step = m.size() / 2;
  c.object_lanes = m.DefaultObjectLanes();
  auto frame = [&] {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("Timeline");
    benchmark::DoNotOptimize(viewer::DrawTimeline(m, c, view));
    ImGui::End();
    ImGui::Render();
  };
  frame();  // ImGui's first frame creates the window: not what is measured
  double worst = 0;
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    frame();
    worst = std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const int vertices = ImGui::GetDrawData()->TotalVtxCount;
  ImGui::DestroyContext();
  st.counters["worst_ms"] = worst;
  st.counters["vertices"] = vertices;
  st.counters["peak_rss_MB"] = PeakRssMb();
}

}  // namespace

int main(int argc, char** argv) {
  for (TraceFile& f : g_traces) {
    f.path = (std::filesystem::temp_directory_path() /
              ("synclab-viewer-bench-" + std::string(f.name) + "-" + std::to_string(getpid()) + ".json"))
                 .string();
    std::cerr << "viewer_bench: recording a trace of " << kEvents << " events (" << f.name << ") into "
              << f.path << '\n';
    std::fflush(nullptr);
    const pid_t child = fork();
    if (child == 0) {
      try {
        instrument::WriteJsonFile(f.generate(), f.path);
        _exit(0);
      } catch (const std::exception& e) {
        std::cerr << "viewer_bench: " << e.what() << '\n';
        _exit(1);
      }
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "viewer_bench: could not record the " << f.name << " trace\n";
      return 1;
    }
  }
  for (std::size_t i = 0; i < std::size(g_traces); ++i) {
    const std::string suffix = std::string("/") + g_traces[i].name;
    benchmark::RegisterBenchmark(("Open" + suffix).c_str(), Open, i)->Unit(benchmark::kMillisecond)->Iterations(3);
    benchmark::RegisterBenchmark(("BuildModel" + suffix).c_str(), BuildModel, i)
        ->Unit(benchmark::kMillisecond)->Iterations(3);
    benchmark::RegisterBenchmark(("Seek" + suffix).c_str(), Seek, i)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("FrameZoomedOut" + suffix).c_str(), FrameZoomedOut, i)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const TraceFile& f : g_traces) std::filesystem::remove(f.path);
  return 0;
}
