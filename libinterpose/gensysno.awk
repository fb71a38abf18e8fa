# Turn sysno.list (one system call name per line, sorted) into sysno.h
# or sysno.c: run with -v out=h or -v out=c.
BEGIN {
	n = 0
}
/^[a-z_0-9]+$/ {
	name[n++] = $1
}
END {
	if (out == "h") {
		print "/* Generated from sysno.list by gensysno.awk. */"
		print "#ifndef SYSNO_H"
		print "#define SYSNO_H"
		print "enum sysno {"
		for (i = 0; i < n; i++)
			printf "\tSN_%s,\n", name[i]
		print "\tSN__MAX"
		print "};"
		print "extern const char *const sysno_names[SN__MAX];"
		print "int sysno_lookup(const char *);"
		print "#endif"
	} else {
		print "/* Generated from sysno.list by gensysno.awk. */"
		print "#include <stdlib.h>"
		print "#include <string.h>"
		print "#include \"sysno.h\""
		print "const char *const sysno_names[SN__MAX] = {"
		for (i = 0; i < n; i++)
			printf "\t\"%s\",\n", name[i]
		print "};"
		print "static int"
		print "cmp(const void *k, const void *e)"
		print "{"
		print "\treturn strcmp(k, *(const char *const *)e);"
		print "}"
		print "/* Return the SN_* of a name, or -1. */"
		print "int"
		print "sysno_lookup(const char *name)"
		print "{"
		print "\tconst char *const *p;"
		print ""
		print "\tp = bsearch(name, sysno_names, SN__MAX, sizeof(*p), cmp);"
		print "\treturn p == NULL ? -1 : (int)(p - sysno_names);"
		print "}"
	}
}
