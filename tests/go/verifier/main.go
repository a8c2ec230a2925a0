// Command verifier checks milestone-ledger checkpoints and Merkle proofs with Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog: an implementation the ledger's Python
// code shares nothing with, so agreement means the formats are the standard ones.
//
// It reads JSON requests from stdin, one per line:
//
//	{"vkeys": ["name+1234abcd+AbC...", ...],   verifier keys to trust
//	 "require_all": false,                     every vkey must have signed (witnesses)
//	 "origin": "example.org/log",              the origin line the checkpoint must carry
//	 "checkpoint": "<signed note>",
//	 "leaves": ["<base64 leaf data>", ...],    optional: recompute the root from these
//	 "inclusion": {"index": 3, "leaf": "<base64 leaf data>", "proof": ["<base64 hash>", ...]},
//	 "consistency": {"old_checkpoint": "<signed note>", "proof": ["<base64 hash>", ...]}}
//
// and answers each with one line, "ok" or "refused: <reason>". It exits 1 if any
// request was refused, 2 if the input could not be read.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type inclusion struct {
	Index int64            `json:"index"`
	Leaf  []byte           `json:"leaf"`
	Proof tlog.RecordProof `json:"proof"`
}

type consistency struct {
	OldCheckpoint string         `json:"old_checkpoint"`
	Proof         tlog.TreeProof `json:"proof"`
}

type request struct {
	VKeys       []string     `json:"vkeys"`
	RequireAll  bool         `json:"require_all"`
	Origin      string       `json:"origin"`
	Checkpoint  string       `json:"checkpoint"`
	Leaves      [][]byte     `json:"leaves"`
	Inclusion   *inclusion   `json:"inclusion"`
	Consistency *consistency `json:"consistency"`
}

// tlog.ParseTree knows only the Go checksum database's first line; a C2SP
// checkpoint has the log's origin there and is otherwise the same format, so the
// origin is checked here and the rest is parsed by tlog itself.
const goSumOrigin = "go.sum database tree"

func openCheckpoint(msg string, req *request, trusted []note.Verifier) (tlog.Tree, error) {
	n, err := note.Open([]byte(msg), note.VerifierList(trusted...))
	if err != nil {
		return tlog.Tree{}, err
	}
	if req.RequireAll {
		for _, v := range trusted {
			signed := false
			for _, sig := range n.Sigs {
				signed = signed || (sig.Name == v.Name() && sig.Hash == v.KeyHash())
			}
			if !signed {
				return tlog.Tree{}, fmt.Errorf("not signed by %s+%08x", v.Name(), v.KeyHash())
			}
		}
	}
	origin, rest, ok := strings.Cut(n.Text, "\n")
	if !ok || origin != req.Origin {
		return tlog.Tree{}, fmt.Errorf("checkpoint origin %q, want %q", origin, req.Origin)
	}
	return tlog.ParseTree([]byte(goSumOrigin + "\n" + rest))
}

// rootOf recomputes the root of the first n leaves the way a Go log stores them.
func rootOf(leaves [][]byte, n int64) (tlog.Hash, error) {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i := int64(0); i < n; i++ {
		hashes, err := tlog.StoredHashes(i, leaves[i], reader)
		if err != nil {
			return tlog.Hash{}, err
		}
		stored = append(stored, hashes...)
	}
	return tlog.TreeHash(n, reader)
}

func check(req *request) error {
	var list []note.Verifier
	for _, vkey := range req.VKeys {
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return fmt.Errorf("verifier key %q: %v", vkey, err)
		}
		list = append(list, v)
	}
	tree, err := openCheckpoint(req.Checkpoint, req, list)
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	if req.Leaves != nil {
		if int64(len(req.Leaves)) < tree.N {
			return errors.New("fewer leaves than the checkpoint's size")
		}
		root, err := rootOf(req.Leaves, tree.N)
		if err != nil {
			return err
		}
		if root != tree.Hash {
			return fmt.Errorf("root of the leaves is %v, checkpoint says %v", root, tree.Hash)
		}
	}
	if p := req.Inclusion; p != nil {
		if err := tlog.CheckRecord(p.Proof, tree.N, tree.Hash, p.Index, tlog.RecordHash(p.Leaf)); err != nil {
			return fmt.Errorf("inclusion: %v", err)
		}
	}
	if p := req.Consistency; p != nil {
		old, err := openCheckpoint(p.OldCheckpoint, req, list)
		if err != nil {
			return fmt.Errorf("old checkpoint: %v", err)
		}
		if err := tlog.CheckTree(p.Proof, tree.N, tree.Hash, old.N, old.Hash); err != nil {
			return fmt.Errorf("consistency: %v", err)
		}
	}
	return nil
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	refused := false
	for scanner.Scan() {
		var req request
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil {
			fmt.Printf("refused: request: %v\n", err)
			refused = true
			continue
		}
		if err := check(&req); err != nil {
			fmt.Printf("refused: %v\n", err)
			refused = true
			continue
		}
		fmt.Println("ok")
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if refused {
		os.Exit(1)
	}
}
