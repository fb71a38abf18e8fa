#
# bench/table.awk: the table of bench/run from its raw.tsv, and the
# ratios to native for the plot.
#
# usage: awk -F '\t' -v setups="S1 S2 ..." -v units="W=TEXT;..." \
#	    -v dat=ratios.dat -f bench/table.awk raw.tsv
#
# raw.tsv columns: round, workload, setup, ops, ns, stops, status, note.
# Round 0 runs do no operation: their stops are the baseline subtracted
# from the instproc runs' to give stops per operation.
#
function sort(a, n,    i, j, x) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			x = a[j]; a[j] = a[j - 1]; a[j - 1] = x
		}
}
function median(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# A time in ns, in 4 characters or so.
function t(ns) {
	if (ns < 1000) return sprintf("%.0fns", ns)
	if (ns < 10000) return sprintf("%.2fus", ns / 1000)
	if (ns < 1000000) return sprintf("%.1fus", ns / 1000)
	if (ns < 10000000) return sprintf("%.2fms", ns / 1000000)
	if (ns < 1000000000) return sprintf("%.1fms", ns / 1000000)
	return sprintf("%.2fs", ns / 1000000000)
}
# Half the range of cell k, in percent of its median.
function spread(k) {
	return med[k] > 0 ? 100 * (hi[k] - lo[k]) / 2 / med[k] : 0
}
BEGIN {
	ns_ = split(setups, S, " ")
	nu = split(units, U, ";")
	for (i = 1; i <= nu; i++) {
		k = index(U[i], "=")
		unit[substr(U[i], 1, k - 1)] = substr(U[i], k + 1)
	}
}
NR == 1 { next }
{
	key = $2 SUBSEP $3
	if (!($2 in seen)) {
		seen[$2] = 1
		order[++nw] = $2
	}
	used[$3] = 1
	if ($1 == 0) {
		base[key] = $6
		next
	}
	if ($7 == "skip") {
		skip[key] = $8
		next
	}
	if ($7 != "ok") {
		fail[key]++
		next
	}
	c = ++n[key]
	opsof[key] = $4
	v[key, c] = $5 / ($4 > 0 ? $4 : 1)
	if ($6 != "-" && $4 > 0)
		sp[key, c] = $6
}
END {
	for (k in n) {
		for (i = 1; i <= n[k]; i++)
			a[i] = v[k, i]
		med[k] = median(a, n[k])
		lo[k] = a[1]
		hi[k] = a[n[k]]
		if ((k, 1) in sp && (k in base) && base[k] != "-") {
			for (i = 1; i <= n[k]; i++)
				a[i] = sp[k, i]
			stopsv[k] = sprintf("%.2f",
			    (median(a, n[k]) - base[k]) / opsof[k])
		}
	}
	# Header.
	printf "%-10s %-22s", "workload", "one operation"
	for (j = 1; j <= ns_; j++)
		if (S[j] in used)
			printf " %-23s", S[j]
	printf " %s\n", "stops/op"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		if (w ~ /^stop-/)
			continue
		printf "%-10s %-22s", w, unit[w]
		nk = w SUBSEP "native"
		for (j = 1; j <= ns_; j++) {
			s = S[j]
			if (!(s in used))
				continue
			k = w SUBSEP s
			if (k in med) {
				cell = sprintf("%s ±%.0f%%", t(med[k]),
				    spread(k))
				if (s != "native" && (nk in med) && med[nk] > 0)
					cell = cell sprintf(" x%.2f",
					    med[k] / med[nk])
			} else if (k in fail)
				cell = "FAILED"
			else if (k in skip)
				cell = "skipped"
			else
				cell = "-"
			printf " %-23s", cell
		}
		k = w SUBSEP "instproc"
		printf " %s\n", (k in stopsv) ? stopsv[k] : "-"
	}
	# The bare stop, and mult against it.
	printf "\nbare seccomp RET_TRACE stop + PTRACE_CONT (getppid), per call:\n"
	split("plain same split free", M, " ")
	split("no tracer|tracer and tracee on one CPU|on two CPUs|unpinned", \
	    D, "|")
	for (j = 1; j <= 4; j++) {
		k = "stop-" M[j] SUBSEP "native"
		if (k in med)
			printf "  %-6s %-34s %s ±%.0f%%\n", M[j], D[j], \
			    t(med[k]), spread(k)
		else
			printf "  %-6s %-34s %s\n", M[j], D[j], \
			    (k in skip) ? "skipped: " skip[k] : "-"
	}
	for (j = 1; j <= ns_; j++) {
		s = S[j]
		if (s != "instproc" && s != "inst-any" && s != "inst-N")
			continue
		k = "getpid" SUBSEP s
		if (!(k in med))
			continue
		printf "  getpid under %-9s %s:", s, t(med[k])
		for (m = 2; m <= 4; m++) {
			kb = "stop-" M[m] SUBSEP "native"
			if (kb in med)
				printf " x%.2f %s", med[k] / med[kb], M[m]
		}
		printf "\n"
	}
	# Skips and failures, with their reasons.
	for (k in skip) {
		split(k, kk, SUBSEP)
		why[kk[2]] = skip[k]
	}
	for (s in why)
		printf "\n%s skipped: %s", s, why[s]
	if (length(why))
		printf "\n"
	for (k in fail) {
		split(k, kk, SUBSEP)
		printf "FAILED: %s under %s (%d run(s)): see raw.tsv\n", \
		    kk[1], kk[2], fail[k]
	}
	# Ratios to native, for the plot.
	printf "workload" > dat
	for (j = 2; j <= ns_; j++)
		printf "\t%s", S[j] > dat
	printf "\n" > dat
	for (i = 1; i <= nw; i++) {
		w = order[i]
		nk = w SUBSEP "native"
		if (w ~ /^stop-/ || !(nk in med))
			continue
		printf "%s", w > dat
		for (j = 2; j <= ns_; j++) {
			k = w SUBSEP S[j]
			printf "\t%s", ((k in med) && med[nk] > 0 ? \
			    sprintf("%.3f", med[k] / med[nk]) : "NaN") > dat
		}
		printf "\n" > dat
	}
}