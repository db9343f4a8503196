# jejak_layered_includes(TARGET FOLDER): what TARGET (the library or program
# built from FOLDER) may include. Other libraries see only FOLDER's public
# headers; a header whose first line starts "// Internal" is seen by FOLDER's
# own sources alone. So the layering is enforced by the build: including
# another library's internal header fails to compile.
#
# The include roots are directories of symbolic links under the build tree:
#   include/public/<folder>/<header>            every library's public headers
#   include/private/<folder>/<folder>/<header>  one library's internal headers
# Each header is reachable through exactly one of them, so #pragma once never
# meets one file under two names. Tests, benchmarks and fuzz targets put the
# source tree itself on their path: they may reach internals.
set(JEJAK_INCLUDE_ROOT ${PROJECT_BINARY_DIR}/include)

function(jejak_layered_includes target folder)
  set(public ${JEJAK_INCLUDE_ROOT}/public/${folder})
  set(private ${JEJAK_INCLUDE_ROOT}/private/${folder}/${folder})
  file(REMOVE_RECURSE ${public} ${private})
  file(MAKE_DIRECTORY ${public} ${private})
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${folder}/*.h)
  foreach(header ${headers})
    get_filename_component(name ${header} NAME)
    file(STRINGS ${header} first LIMIT_COUNT 1)
    if(first MATCHES "^// Internal")
      file(CREATE_LINK ${header} ${private}/${name} SYMBOLIC)
    else()
      file(CREATE_LINK ${header} ${public}/${name} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target}
    PUBLIC ${JEJAK_INCLUDE_ROOT}/public
    PRIVATE ${JEJAK_INCLUDE_ROOT}/private/${folder})
endfunction()
