# The explorer: schedules and scheduling points per second on the counter and
# Mutex scenarios, and the time of each proof/* search.
synclab_add_bench(synclab_explore_bench ${CMAKE_CURRENT_SOURCE_DIR}/explore_bench.cpp
  LIBS synclab::scenarios synclab::instrument synclab::core)
