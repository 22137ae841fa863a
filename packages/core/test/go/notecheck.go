// notecheck: an independent oracle for hoso's C2SP notes and RFC 9162 trees, built on Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog. It reads one JSON array of
// requests on stdin and writes one JSON array of results on stdout.
//
// Build offline with Debian's packages (golang-go, golang-golang-x-mod-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o notecheck notecheck.go
package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type request struct {
	Op      string   `json:"op"`
	Note    string   `json:"note,omitempty"`
	Body    string   `json:"body,omitempty"`
	Vkeys   []string `json:"vkeys,omitempty"`
	Skeys   []string `json:"skeys,omitempty"`
	Name    string   `json:"name,omitempty"`
	Pub     string   `json:"pub,omitempty"`    // hex
	Leaves  []string `json:"leaves,omitempty"` // hex leaf data
	Index   int64    `json:"index,omitempty"`
	M       int64    `json:"m,omitempty"`
	Proof   []string `json:"proof,omitempty"` // base64 hashes
	Root    string   `json:"root,omitempty"`  // base64
	OldRoot string   `json:"oldRoot,omitempty"`
}

type result struct {
	Ok         bool     `json:"ok"`
	Err        string   `json:"err,omitempty"`
	Text       string   `json:"text,omitempty"`
	Sigs       []string `json:"sigs,omitempty"`
	Unverified int      `json:"unverified,omitempty"`
	Out        string   `json:"out,omitempty"`
	Skey       string   `json:"skey,omitempty"`
	Vkey       string   `json:"vkey,omitempty"`
	Root       string   `json:"root,omitempty"`
	Proof      []string `json:"proof,omitempty"`
}

func fail(err error) result { return result{Ok: false, Err: err.Error()} }

// tree stores every hash tlog wants, in memory.
type tree struct{ hashes []tlog.Hash }

func (t *tree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

func build(leaves []string) (*tree, error) {
	t := &tree{}
	for i, l := range leaves {
		data, err := hex.DecodeString(l)
		if err != nil {
			return nil, err
		}
		hs, err := tlog.StoredHashes(int64(i), data, t)
		if err != nil {
			return nil, err
		}
		t.hashes = append(t.hashes, hs...)
	}
	return t, nil
}

func b64s(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func unb64(s []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(s))
	for i, x := range s {
		b, err := base64.StdEncoding.DecodeString(x)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("bad hash %q", x)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func hash1(s string) (tlog.Hash, error) {
	hs, err := unb64([]string{s})
	if err != nil {
		return tlog.Hash{}, err
	}
	return hs[0], nil
}

func do(r request) result {
	switch r.Op {
	case "open":
		var vs []note.Verifier
		for _, k := range r.Vkeys {
			v, err := note.NewVerifier(k)
			if err != nil {
				return fail(err)
			}
			vs = append(vs, v)
		}
		n, err := note.Open([]byte(r.Note), note.VerifierList(vs...))
		if err != nil {
			return fail(err)
		}
		res := result{Ok: true, Text: n.Text, Unverified: len(n.UnverifiedSigs)}
		for _, s := range n.Sigs {
			res.Sigs = append(res.Sigs, s.Name)
		}
		return res
	case "sign":
		var ss []note.Signer
		for _, k := range r.Skeys {
			s, err := note.NewSigner(k)
			if err != nil {
				return fail(err)
			}
			ss = append(ss, s)
		}
		out, err := note.Sign(&note.Note{Text: r.Body}, ss...)
		if err != nil {
			return fail(err)
		}
		return result{Ok: true, Out: string(out)}
	case "vkey":
		pub, err := hex.DecodeString(r.Pub)
		if err != nil {
			return fail(err)
		}
		vk, err := note.NewEd25519VerifierKey(r.Name, ed25519.PublicKey(pub))
		if err != nil {
			return fail(err)
		}
		return result{Ok: true, Vkey: vk}
	case "generate":
		sk, vk, err := note.GenerateKey(rand.Reader, r.Name)
		if err != nil {
			return fail(err)
		}
		return result{Ok: true, Skey: sk, Vkey: vk}
	case "tree":
		// Root, inclusion proof of Index and consistency proof from M, all by tlog.
		t, err := build(r.Leaves)
		if err != nil {
			return fail(err)
		}
		n := int64(len(r.Leaves))
		root, err := tlog.TreeHash(n, t)
		if err != nil {
			return fail(err)
		}
		res := result{Ok: true, Root: base64.StdEncoding.EncodeToString(root[:])}
		if r.Index >= 0 && r.Index < n {
			p, err := tlog.ProveRecord(n, r.Index, t)
			if err != nil {
				return fail(err)
			}
			res.Proof = b64s(p)
		}
		if r.M > 0 && r.M <= n {
			p, err := tlog.ProveTree(n, r.M, t)
			if err != nil {
				return fail(err)
			}
			res.Sigs = b64s(p) // consistency proof travels in Sigs
		}
		return res
	case "checkRecord":
		// Leaves[0] is the record data; Index its position; M the tree size.
		data, err := hex.DecodeString(r.Leaves[0])
		if err != nil {
			return fail(err)
		}
		p, err := unb64(r.Proof)
		if err != nil {
			return fail(err)
		}
		root, err := hash1(r.Root)
		if err != nil {
			return fail(err)
		}
		if err := tlog.CheckRecord(p, r.M, root, r.Index, tlog.RecordHash(data)); err != nil {
			return fail(err)
		}
		return result{Ok: true}
	case "checkTree":
		// Consistency from size Index (old) to size M (new).
		p, err := unb64(r.Proof)
		if err != nil {
			return fail(err)
		}
		root, err := hash1(r.Root)
		if err != nil {
			return fail(err)
		}
		old, err := hash1(r.OldRoot)
		if err != nil {
			return fail(err)
		}
		if err := tlog.CheckTree(p, r.M, root, r.Index, old); err != nil {
			return fail(err)
		}
		return result{Ok: true}
	}
	return fail(fmt.Errorf("unknown op %q", r.Op))
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]result, len(reqs))
	for i, r := range reqs {
		out[i] = do(r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
