#
# bench/scale.awk: the table of bench/run --scale from its scale.tsv.
#
# scale.tsv columns: kind (one: one instance; oneN: the same under
# instproc -N, getpid a ptrace stop; bare: the same under bw-tracer, a
# tracer that only resumes each stop; many: that many instances of one
# task), procs, threads, tasks, getpid ns with one task, getpid ns with
# all tasks alive in the first process (many: the median over the
# instances), the same in the oldest task but that one (its first child;
# "-" with one process), VmRSS and VmHWM in kB (many: summed over the
# supervisors), stops, status.
#
NR == 1 { next }
$1 == "oneN" || $1 == "bare" {
	k = $2 " proc x " $3 " thr"
	line = ($11 == "ok") ? sprintf("%9s %9s %6s %9s %6s", us($5), \
	    us($6), x($6, $5), us($7), x($7, $5)) : $11
	if ($1 == "bare") {
		nB[k] = line
		okB[k] = $11 == "ok"
		B1[k] = $5; Bn[k] = $6; Bo[k] = $7
		orderB[++nb] = k
	} else {
		nN[k] = line
		okN[k] = $11 == "ok"
		N1[k] = $5; Nn[k] = $6; No[k] = $7
		orderN[++nn] = k
	}
	next
}
$1 == "one" {
	printf "%s%-28s %7s %9s %9s %9s %10s %10s %s\n", \
	    (n++ ? "" : sprintf("%-28s %7s %9s %9s %9s %10s %10s\n", \
	    "one instance", "tasks", "getpid@1", "getpid@n", "oldest@n", \
	    "VmRSS kB", "VmHWM kB")), \
	    $2 " proc x " $3 " thr", $4, us($5), us($6), us($7), $8, $9, \
	    ($11 == "ok" ? "" : $11)
	if ($4 == 1 && $11 == "ok") {
		rss1 = $8
		hwm1 = $9
	}
	if ($4 > 1 && $11 == "ok" && rss1 != "") {
		pt[$2 " proc x " $3 " thr"] = \
		    sprintf("%.2f / %.2f", ($8 - rss1) / ($4 - 1), \
		    ($9 - hwm1) / ($4 - 1))
		order[++np] = $2 " proc x " $3 " thr"
	}
	next
}
$1 == "many" {
	printf "\n%d instances of one task at once: VmRSS %d kB in all, " \
	    "%.0f kB per instance (VmHWM %.0f kB); getpid %s (median, timed while the others start)%s\n", \
	    $2, $8, $8 / $2, $9 / $2, us($6), ($11 == "ok" ? "" : " " $11)
}
END {
	if (nn) {
		printf "\ngetpid at a ptrace stop (instproc -N), same shapes:\n"
		printf "%-28s %9s %9s %6s %9s %6s\n", "one instance", \
		    "getpid@1", "getpid@n", "growth", "oldest@n", "growth"
		for (i = 1; i <= nn; i++)
			printf "%-28s %s\n", orderN[i], nN[orderN[i]]
	}
	if (nb) {
		printf "\nthe same under bw-tracer (wait4(-1) and PTRACE_CONT, " \
		    "nothing else), and what instproc -N adds to it:\n"
		printf "%-28s %9s %9s %6s %9s %6s %9s %9s %9s\n", \
		    "one instance", "getpid@1", "getpid@n", "growth", \
		    "oldest@n", "growth", "added@1", "added@n", "added@old"
		for (i = 1; i <= nb; i++) {
			k = orderB[i]
			printf "%-28s %s", k, nB[k]
			if (okB[k] && okN[k])
				printf " %9s %9s %9s", d(N1[k], B1[k]), \
				    d(Nn[k], Bn[k]), d(No[k], Bo[k])
			printf "\n"
		}
	}
	if (np) {
		printf "\nsupervisor memory per added task, VmRSS / VmHWM kB:\n"
		for (i = 1; i <= np; i++)
			printf "  %-28s %s\n", order[i], pt[order[i]]
	}
}
function us(ns) {
	return ns == "-" ? "-" : sprintf("%.1fus", ns / 1000)
}
function x(a, b) {
	return (b > 0 && a != "-") ? sprintf("x%.2f", a / b) : "-"
}
function d(a, b) {
	return (a == "-" || b == "-") ? "-" : sprintf("%+.1fus", (a - b) / 1000)
}
