# Writes OUT, a C++ fragment listing each YAML file in DIR as
# {"name", R"(text)"}, so that `jejak demo` carries the example workflows
# inside the binary.
file(GLOB FILES ${DIR}/*.yaml)
list(SORT FILES)
set(content "")
foreach(f ${FILES})
  file(READ ${f} text)
  get_filename_component(name ${f} NAME)
  string(APPEND content "{\"${name}\", R\"jejak_yaml(${text})jejak_yaml\"},\n")
endforeach()
file(WRITE ${OUT} "${content}")
