# Installing synclab as a C++ library: the public headers, synclab::core and
# synclab::instrument, the synclab command line, and a CMake package
# (synclabConfig.cmake and its version file) so that an outside project does
#   find_package(synclab 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE synclab::core)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(synclab_core PROPERTIES EXPORT_NAME core)
set_target_properties(synclab_instrument PROPERTIES EXPORT_NAME instrument)
install(TARGETS synclab_core synclab_instrument EXPORT synclabTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY core/include/ instrument/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS synclab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(synclab_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/synclab)
install(EXPORT synclabTargets NAMESPACE synclab:: DESTINATION ${synclab_cmake_dir})
configure_package_config_file(cmake/synclabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/synclabConfig.cmake INSTALL_DESTINATION ${synclab_cmake_dir})
# 0.x: a minor version may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/synclabConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/synclabConfig.cmake
  ${PROJECT_BINARY_DIR}/synclabConfigVersion.cmake DESTINATION ${synclab_cmake_dir})
