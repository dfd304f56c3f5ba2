# Channels: unbuffered ping-pong and a buffered producer-consumer, untraced,
# traced and in sim, beside a mutex + condition-variable queue.
synclab_add_bench(synclab_chan_bench ${CMAKE_CURRENT_SOURCE_DIR}/chan_bench.cpp
  LIBS synclab::instrument synclab::core)
