# sync's other primitives: RWMutex vs std::shared_mutex, WaitGroup vs std::latch.
synclab_add_bench(synclab_sync_bench ${CMAKE_CURRENT_SOURCE_DIR}/sync_bench.cpp LIBS synclab::core)
