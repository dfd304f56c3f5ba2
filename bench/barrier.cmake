# barrier, recursive_mutex: CyclicBarrier vs std::barrier, RecursiveMutex and
# TokenRecursiveMutex vs std::recursive_mutex, the course's metrics read.
synclab_add_bench(synclab_barrier_bench ${CMAKE_CURRENT_SOURCE_DIR}/barrier_bench.cpp LIBS synclab::core)
