# Pool Get/Put against new/delete (and Go's Pool, through compare.py).
synclab_add_bench(synclab_pool_bench ${CMAKE_CURRENT_SOURCE_DIR}/pool_bench.cpp LIBS synclab::core)
