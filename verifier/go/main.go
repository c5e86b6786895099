// Command holdfast-verify checks Holdfast audit receipts, checkpoints and consistency proofs
// using only the Go standard library and golang.org/x/mod/sumdb/{note,tlog}. It shares no code
// with Holdfast on purpose: it is the independent second implementation (DESIGN §10).
//
// Formats: c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-proof@v1.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const usage = `usage:
  holdfast-verify receipt --vkey VKEY --entry ENTRY_FILE RECEIPT_FILE
  holdfast-verify checkpoint --vkey VKEY CHECKPOINT_FILE
  holdfast-verify consistency --vkey VKEY OLD_CHECKPOINT NEW_CHECKPOINT PROOF_FILE
`

// errUsage marks command-line mistakes (exit status 2); every other error is a failed check (1).
var errUsage = errors.New("usage")

func main() {
	out, err := run(os.Args[1:])
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(out)
}

func run(args []string) (string, error) {
	if len(args) == 0 {
		return "", errUsage
	}
	flags := flag.NewFlagSet(args[0], flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	vkey := flags.String("vkey", "", "verifier key of the log (name+hash+key)")
	entryFile := flags.String("entry", "", "file holding the exact entry bytes (receipt only)")
	if err := flags.Parse(args[1:]); err != nil || *vkey == "" {
		return "", errUsage
	}
	files := flags.Args()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return "", fmt.Errorf("verifier key: %v", err)
	}

	switch {
	case args[0] == "receipt" && len(files) == 1 && *entryFile != "":
		return verifyReceipt(verifier, *entryFile, files[0])
	case args[0] == "checkpoint" && len(files) == 1 && *entryFile == "":
		c, err := openCheckpointFile(verifier, files[0])
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("OK size=%d root=%s", c.size, c.root), nil
	case args[0] == "consistency" && len(files) == 3 && *entryFile == "":
		return verifyConsistency(verifier, files[0], files[1], files[2])
	}
	return "", errUsage
}

type checkpoint struct {
	size int64
	root tlog.Hash
}

// verifyReceipt parses a tlog-proof, opens its checkpoint and checks the entry's inclusion.
func verifyReceipt(verifier note.Verifier, entryFile, receiptFile string) (string, error) {
	entry, err := os.ReadFile(entryFile)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(receiptFile)
	if err != nil {
		return "", err
	}
	// tlog-proof "Format": header, optional extra, index, proof hashes, empty line, checkpoint.
	header, rest, _ := bytes.Cut(data, []byte("\n\n"))
	lines := strings.Split(string(header), "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return "", errors.New("not a c2sp.org/tlog-proof@v1 receipt")
	}
	lines = lines[1:]
	if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
		if _, err := decodeBase64(strings.TrimPrefix(lines[0], "extra ")); err != nil {
			return "", errors.New("malformed extra line")
		}
		lines = lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return "", errors.New("missing index line")
	}
	index, err := parseDecimal(strings.TrimPrefix(lines[0], "index "))
	if err != nil {
		return "", fmt.Errorf("index: %v", err)
	}
	var proof tlog.RecordProof
	for _, line := range lines[1:] {
		h, err := parseHash(line)
		if err != nil {
			return "", fmt.Errorf("proof: %v", err)
		}
		proof = append(proof, h)
	}
	c, err := openCheckpoint(verifier, rest)
	if err != nil {
		return "", err
	}
	if index >= c.size {
		return "", fmt.Errorf("index %d is outside a tree of size %d", index, c.size)
	}
	if err := tlog.CheckRecord(proof, c.size, c.root, index, tlog.RecordHash(entry)); err != nil {
		return "", err
	}
	return fmt.Sprintf("OK index=%d size=%d", index, c.size), nil
}

// verifyConsistency checks two signed checkpoints and the proof that the old tree is a prefix
// of the new one.
func verifyConsistency(verifier note.Verifier, oldFile, newFile, proofFile string) (string, error) {
	older, err := openCheckpointFile(verifier, oldFile)
	if err != nil {
		return "", fmt.Errorf("old checkpoint: %v", err)
	}
	newer, err := openCheckpointFile(verifier, newFile)
	if err != nil {
		return "", fmt.Errorf("new checkpoint: %v", err)
	}
	data, err := os.ReadFile(proofFile)
	if err != nil {
		return "", err
	}
	var proof tlog.TreeProof
	if text := strings.TrimSuffix(string(data), "\n"); text != "" { // empty: equal trees
		for _, line := range strings.Split(text, "\n") {
			h, err := parseHash(line)
			if err != nil {
				return "", fmt.Errorf("proof: %v", err)
			}
			proof = append(proof, h)
		}
	}
	switch {
	case older.size > newer.size:
		return "", errors.New("old checkpoint is larger than the new one")
	case older.size == 0:
		// tlog.CheckTree needs a non-empty old tree; the empty tree is a prefix of every tree.
		if len(proof) != 0 || older.root != tlog.Hash(sha256.Sum256(nil)) {
			return "", errors.New("invalid proof from the empty tree")
		}
	default:
		if err := tlog.CheckTree(proof, newer.size, newer.root, older.size, older.root); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("OK old=%d new=%d", older.size, newer.size), nil
}

func openCheckpointFile(verifier note.Verifier, file string) (checkpoint, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return checkpoint{}, err
	}
	return openCheckpoint(verifier, data)
}

// openCheckpoint verifies the note signature, then parses the tlog-checkpoint body.
func openCheckpoint(verifier note.Verifier, msg []byte) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, errors.New("checkpoint needs origin, size and root lines")
	}
	for _, line := range lines {
		if line == "" {
			return checkpoint{}, errors.New("checkpoint has an empty line")
		}
	}
	if lines[0] != verifier.Name() {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key name", lines[0])
	}
	size, err := parseDecimal(lines[1])
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint size: %v", err)
	}
	root, err := parseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint root: %v", err)
	}
	return checkpoint{size: size, root: root}, nil
}

// parseDecimal accepts only canonical non-negative decimals (no sign, no leading zeroes).
func parseDecimal(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, fmt.Errorf("%q is not a canonical decimal", s)
	}
	return n, nil
}

func parseHash(s string) (tlog.Hash, error) {
	b, err := decodeBase64(s)
	if err != nil || len(b) != tlog.HashSize {
		return tlog.Hash{}, fmt.Errorf("%q is not a base64 SHA-256 hash", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h, nil
}

// decodeBase64 accepts only canonical standard base64: Go's decoder skips \r and \n and
// ignores trailing bits, so the result is re-encoded and compared.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(b) != s {
		return nil, errors.New("non-canonical base64")
	}
	return b, nil
}
