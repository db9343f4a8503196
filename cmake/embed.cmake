# Writes OUT, a C++ fragment listing each file of FILES (a ';'-list) as
# {"name", R"jejak_embed(text)jejak_embed"}, so that the binary carries
# data files (the tracking page, the example workflows) inside it.
#   cmake -DFILES=a.yaml;b.yaml -DOUT=x.inc -P cmake/embed.cmake
set(content "")
foreach(f ${FILES})
  file(READ ${f} text)
  get_filename_component(name ${f} NAME)
  string(APPEND content "{\"${name}\", R\"jejak_embed(${text})jejak_embed\"},\n")
endforeach()
file(WRITE ${OUT} "${content}")
