# Core benchmarks: Mutex vs std::mutex, recording cost, sim speed.
synclab_add_bench(synclab_mutex_bench ${CMAKE_CURRENT_SOURCE_DIR}/mutex_bench.cpp
  LIBS synclab::instrument synclab::core)
