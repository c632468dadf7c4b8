# SPDX-License-Identifier: GPL-2.0-or-later
# Turns a man page's Markdown source into what go-md2man renders well, so the man pages and the
# Markdown documents share one text:
#   <!-- include FILE -->  is replaced by FILE (relative to the including file's directory), minus
#                          its "# title" line; its "##" sections become man sections (.SH) and its
#                          "###" sections subsections (.SS), as go-md2man maps them.
#   tables                 become definition lists (.TP): a man page is read in 80 columns, where a
#                          four-column table does not fit. The first column is the term; the last,
#                          when it is headed "meaning", the text; the others follow as "Header: value."
#   [text](target)         links to other files of the repository keep only their text; web links stay.
#   @VERSION@              the version given with -v version=...
# usage: awk -v version=0.1.0 -f man-source.awk PAGE.md > PAGE.prepared.md

function dirname(path) {
  if (path !~ /\//) return "."
  sub(/\/[^\/]*$/, "", path)
  return path
}

function strip_relative_links(line,    out, m, text, target) {
  out = ""
  while (match(line, /\[[^]]*\]\([^)]*\)/)) {
    m = substr(line, RSTART, RLENGTH)
    text = m
    sub(/\]\(.*$/, "", text)
    text = substr(text, 2)
    target = m
    sub(/^\[[^]]*\]\(/, "", target)
    sub(/\)$/, "", target)
    out = out substr(line, 1, RSTART - 1) (target ~ /^[a-z]+:/ ? m : text)
    line = substr(line, RSTART + RLENGTH)
  }
  return out line
}

function trim(s) {
  sub(/^[ \t]+/, "", s)
  sub(/[ \t]+$/, "", s)
  return s
}

# Splits "| a | b |" into cells[1..n]; returns n.
function split_row(line, cells,    n, i, parts, count) {
  line = trim(line)
  sub(/^\|/, "", line)
  sub(/\|$/, "", line)
  count = split(line, parts, "|")
  n = 0
  for (i = 1; i <= count; i++) cells[++n] = trim(parts[i])
  return n
}

function sentence(s) {
  if (s == "") return s
  if (s !~ /[.!?:]$/) s = s "."
  return s
}

function capitalise(s) {
  return toupper(substr(s, 1, 1)) substr(s, 2)
}

function emit_table_row(line,    cells, n, i, body, extra, last_is_meaning) {
  n = split_row(line, cells)
  last_is_meaning = (header[header_n] == "meaning")
  body = ""
  if (n == 2 && last_is_meaning) {
    body = sentence(cells[2])
  } else {
    for (i = 2; i <= n; i++) {
      if (i == n && last_is_meaning) continue
      if (cells[i] == "") continue
      extra = extra (extra == "" ? "" : " ") "*" capitalise(header[i]) ":* " sentence(cells[i])
    }
    body = last_is_meaning ? sentence(cells[n]) : ""
    body = body (body == "" || extra == "" ? "" : " ") extra
  }
  if (body == "") body = "(no further detail)"
  print cells[1]
  print ": " body
  print ""
}

function process(file, top,    line, dir, inc, pending, in_code) {
  dir = dirname(file)
  pending = ""
  in_code = 0
  while ((getline line < file) > 0) {
    if (line ~ /^```/) in_code = !in_code
    if (!in_code && line ~ /^<!-- include [^ ]+ -->$/) {
      inc = line
      sub(/^<!-- include /, "", inc)
      sub(/ -->$/, "", inc)
      process(dir "/" inc, 0)
      continue
    }
    if (!top && !in_code && line ~ /^# /) continue
    if (in_code) { print line; continue }
    if (version != "") gsub(/@VERSION@/, version, line)
    line = strip_relative_links(line)
    # A table: a header row followed by a separator row.
    if (pending != "") {
      if (line ~ /^\|[ :|-]+\|?$/) {
        header_n = split_row(pending, header)
        for (i = 1; i <= header_n; i++) header[i] = tolower(header[i])
        in_table = 1
        pending = ""
        continue
      }
      print pending
      pending = ""
    }
    if (in_table) {
      if (line ~ /^\|/) { emit_table_row(line); continue }
      in_table = 0
    }
    if (line ~ /^\|/) { pending = line; continue }
    print line
  }
  if (pending != "") print pending
  in_table = 0
  close(file)
}

BEGIN {
  if (ARGC != 2) { print "usage: awk -f man-source.awk PAGE.md" > "/dev/stderr"; exit 2 }
  process(ARGV[1], 1)
  exit 0
}
