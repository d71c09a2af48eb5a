# Checks ln-run --out's dump of the message-passing kernel (Inputs/
# message-passing.mlir): OUT (argument 2) holds `rows` rows of 256; row 0
# (the writer's) stays 0, every other row is the payload 1000, 1001, ...
/^# arg / { arg = $3; index_ = 0; next }
arg == 2 {
  row = int(index_ / 256); column = index_ % 256
  want = row == 0 ? 0 : 1000 + column
  if ($1 != want) {
    if (++bad <= 5) printf "row %d, column %d: %s, not %d\n", row, column, $1, want
  }
  index_++
}
END {
  if (index_ != rows * 256) { printf "%d elements of OUT, not %d\n", index_, rows * 256; bad++ }
  exit bad ? 1 : 0
}
