resource /* c1 */ "a" /* c2 */ "b" /* c3 */ {}
resource /* c1 */ a {}
