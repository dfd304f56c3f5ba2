# singleflight: Group.Do on a hot key (peer: go/singleflight_test.go).
synclab_add_bench(synclab_singleflight_bench ${CMAKE_CURRENT_SOURCE_DIR}/singleflight_bench.cpp
  LIBS synclab::core)
