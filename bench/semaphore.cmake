# semaphore: x/sync's Weighted beside a buffered-channel semaphore; Go's own
# figures come from go/semaphore (scripts/run-bench runs it).
synclab_add_bench(synclab_semaphore_bench ${CMAKE_CURRENT_SOURCE_DIR}/semaphore_bench.cpp LIBS synclab::core)
