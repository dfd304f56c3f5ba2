# Map benchmarks: synclab::Map's read-mostly Load against a std::shared_mutex
# (and a std::mutex) over std::unordered_map, as ../shared/bench-peers runs them.
synclab_add_bench(synclab_map_bench ${CMAKE_CURRENT_SOURCE_DIR}/map_bench.cpp LIBS synclab::core)
