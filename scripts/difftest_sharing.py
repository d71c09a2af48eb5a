"""What the programs of scripts/difftest_generate.py's kernels share:
blocks parked in shared memory (blk.local_*), scalars combined across a
cluster (blk.cluster_reduce), and words exchanged with atomics. A mixin of
difftest_generate.Kernel, whose state (pool, lines, the random streams) and
helpers (emit, constant, splat, parameter, fresh) it uses."""

from difftest_values import POISON, Val, combined_bounds, is_float


class SharingSteps:
    def local_step(self):
        """Now and then parks a block of the pool in a local block of its
        own, and reads back one parked earlier (the value it held when
        stored), which then stands for it in the pool: local blocks of
        every element type and shape the kernel has, read after other code
        has run. The pool keeps its size, so that a seed's other choices
        stay those of the generator before local blocks."""
        rng = self.local_rng
        blocks = [v for v in self.pool if v.shape]
        if blocks and rng.random() < 0.2:
            value = rng.choice(blocks)
            local_type = "!blk.local<%s>" % value.mlir_type
            local = self.emit("blk.local_alloc : " + local_type, "local", [])
            self.lines.append("  blk.local_store %s, %s : %s" % (
                value.name, local.name, local_type))
            self.parked.append((local, local_type, value))
        if self.parked and rng.random() < 0.3:
            local, local_type, value = self.parked.pop(
                rng.randrange(len(self.parked)))
            loaded = self.emit(
                "blk.local_load %s : %s" % (local.name, local_type),
                value.type, value.shape, value.magnitude, value.error)
            self.pool = [loaded if v is value else v for v in self.pool]

    def cluster_step(self):
        """In a cluster kernel of 1-D blocks, now and then reduces a block
        of the pool to a scalar and combines the cluster's scalars with
        blk.cluster_reduce, maybe in a loop that combines them again each
        iteration (the lowering's second cluster barrier); the result,
        spread over the block, stands for the block in the pool. Its own
        draws, so that a seed's other choices stay those of the generator
        before clusters."""
        rng = self.cluster_rng
        if not self.cluster_size or len(self.shape) != 1 or rng.random() > 0.3:
            return
        reducible = [v for v in self.pool if v.shape and
                     v.type in ("i32", "i64", "f32", "f64")]
        if not reducible:
            return
        value = rng.choice(reducible)
        combiner = rng.choice(["addf", "maximumf", "minimumf"]
                              if is_float(value.type) else
                              ["addi", "muli", "xori", "maxsi", "minui"])
        part = self.combine("blk.reduce %%s axis 0 : %s -> %s"
                            % (value.mlir_type, value.type), value,
                            combiner, self.shape[0])
        if part is None:
            return
        if rng.random() < 0.5:
            total = self.combine("blk.cluster_reduce %%s : %s -> %s"
                                 % (value.type, value.type), part, combiner,
                                 self.cluster_size)
        else:
            total = self.cluster_loop(part, combiner, rng.randint(1, 3))
        if total is None:
            return
        spread = self.splat(total)
        self.pool = [spread if v is value else v for v in self.pool]

    def combine(self, op, a, combiner, count):
        """`op` (a format with %s for its operand: blk.reduce or
        blk.cluster_reduce) combining `count` values like `a` with
        arith.`combiner`: its scalar result, with its bounds (a float sum
        as reduction() bounds it), or None if they overflow."""
        bounds = combined_bounds(a, combiner, count)
        if bounds is None:
            return None
        name = self.fresh()
        self.lines.append(
            "  %s = %s {\n  ^bb0(%%l: %s, %%r: %s):\n"
            "    %%c = arith.%s %%l, %%r : %s\n    blk.yield %%c : %s\n  }"
            % (name, op % a.name, a.type, a.type, combiner, a.type, a.type))
        return Val(name, a.type, [], *bounds)

    def cluster_loop(self, part, combiner, trips):
        """scf.for carrying `part`, combined across the cluster each of its
        `trips` iterations."""
        bounds = part
        for _ in range(trips):
            combined = combined_bounds(bounds, combiner, self.cluster_size)
            if combined is None:
                return None
            bounds = Val("", part.type, [], *combined)
        lower = self.constant(0, "i32", [])
        upper = self.constant(trips, "i32", [])
        step = self.constant(1, "i32", [])
        name, carried = self.fresh(), self.fresh()
        self.lines.append("  %s = scf.for %%i%s = %s to %s step %s iter_args("
                          "%s = %s) -> (%s) : i32 {" % (
                              name, name[2:], lower.name, upper.name,
                              step.name, carried, part.name, part.type))
        inner = self.combine("blk.cluster_reduce %%s : %s -> %s"
                             % (part.type, part.type),
                             Val(carried, part.type, []), combiner,
                             self.cluster_size)
        self.lines[-1] = "\n".join("  " + line
                                   for line in self.lines[-1].split("\n"))
        self.lines.append("    scf.yield %s : %s\n  }" % (inner.name,
                                                          part.type))
        return Val(name, part.type, [], bounds.magnitude, bounds.error)

    def atomics(self, pid):
        """Each program exchanges its own word, then compare-and-swaps it
        (succeeding or not), and stores both old values: atomics on words
        of their own give the same results in any order of programs."""
        rng = self.rng
        words = self.parameter("!blk.ptr<i32>", "i32*:%d=iota" % self.grid)
        olds = self.parameter("!blk.ptr<i32>",
                              "i32*:%d=%d" % (2 * self.grid, POISON))
        word = self.emit("blk.addptr %s, %s : !blk.ptr<i32>, i32"
                         % (words, pid.name), "ptr", [])
        programs = self.emit("blk.num_programs 0 : i32", "i32", [])
        seven = self.constant(7, "i32", [])
        scaled = self.emit("arith.muli %s, %s : i32" % (programs.name,
                                                         seven.name),
                           "i32", [])
        value = self.emit("arith.addi %s, %s : i32" % (pid.name, scaled.name),
                          "i32", [])
        semantic = rng.choice(["relaxed", "acquire", "release", "acq_rel"])
        scope = rng.choice(["cta", "gpu"])
        old = self.emit("blk.atomic_xchg %s %s %s, %s : !blk.ptr<i32>" % (
            semantic, scope, word.name, value.name), "i32", [])
        expected = value if rng.random() < 0.5 else old
        hundred = self.constant(100, "i32", [])
        new = self.emit("arith.addi %s, %s : i32" % (old.name, hundred.name),
                        "i32", [])
        seen = self.emit("blk.atomic_cas %s %s %s, %s, %s : !blk.ptr<i32>" % (
            semantic, scope, word.name, expected.name, new.name), "i32", [])
        two = self.constant(2, "i32", [])
        at = self.emit("arith.muli %s, %s : i32" % (pid.name, two.name),
                       "i32", [])
        first = self.emit("blk.addptr %s, %s : !blk.ptr<i32>, i32"
                          % (olds, at.name), "ptr", [])
        one = self.constant(1, "i32", [])
        second = self.emit("blk.addptr %s, %s : !blk.ptr<i32>, i32"
                           % (first.name, one.name), "ptr", [])
        self.lines.append("  blk.store %s, %s : !blk.ptr<i32>"
                          % (first.name, old.name))
        self.lines.append("  blk.store %s, %s : !blk.ptr<i32>"
                          % (second.name, seen.name))
