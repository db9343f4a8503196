# Writes OUT, a C++ string literal holding the file IN, so that `jejak serve`
# carries its web page inside the binary.
file(READ ${IN} text)
file(WRITE ${OUT} "R\"jejak_html(${text})jejak_html\"\n")
