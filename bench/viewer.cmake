# The viewer on a million events: open, seek, a zoomed-out timeline frame,
# peak memory (see viewer_bench.cpp for the budgets).
if(TARGET synclab_viewer_ui)
  synclab_add_bench(synclab_viewer_bench ${CMAKE_CURRENT_SOURCE_DIR}/viewer_bench.cpp
    LIBS synclab::viewer_ui synclab::viewer_model synclab::instrument synclab::core)
endif()
