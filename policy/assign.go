package policy

// Assignment says whose approval counts for which requirement. It is
// indexed like the flattened requirements passed to AssignApprovers.
type Assignment [][]string

// AssignApprovers decides which approver counts toward which requirement.
//
// Without distinct approvers every requirement simply counts its own
// members. With distinct approvers one person counts toward one
// requirement only, and the assignment is a bipartite matching between
// approvers and the requirements' approval slots. Greedy first-come
// assignment is not enough: a steering member who also sits on comms must
// be placed where nobody else can stand in, which needs augmenting paths.
//
// Requirements are served in order (earlier stages first). A requirement
// keeps its approvers only if it can be filled completely, so a stage that
// cannot be satisfied yet does not hold people a later stage could use;
// whenever a full assignment exists, it is found. Partially filled
// requirements are then topped up with whoever is left, to show progress.
func AssignApprovers(reqs []Requirement, approvers []string, distinctApprovers bool) Assignment {
	out := make(Assignment, len(reqs))
	if !distinctApprovers {
		for i, r := range reqs {
			if r.Problem != "" {
				continue
			}
			for _, a := range approvers {
				if r.isMember(a) {
					out[i] = append(out[i], a)
				}
			}
		}
		return out
	}

	m := newMatcher(reqs, approvers)
	var deferred []int
	for i, r := range reqs {
		if r.Problem != "" {
			continue
		}
		saved := m.snapshot()
		if !m.fill(i) {
			m.restore(saved)
			deferred = append(deferred, i)
		}
	}
	for _, i := range deferred {
		m.fill(i)
	}
	for slot, user := range m.slotUser {
		if user >= 0 {
			req := m.slotReq[slot]
			out[req] = append(out[req], approvers[user])
		}
	}
	return out
}

// matcher is Kuhn's augmenting-path matching between approvers and slots,
// one slot per approval a requirement needs.
type matcher struct {
	reqs      []Requirement
	approvers []string
	slotReq   []int // requirement of each slot
	reqSlots  [][]int
	slotUser  []int // -1 when free
	userSlot  []int // -1 when free
	eligible  [][]bool
}

func newMatcher(reqs []Requirement, approvers []string) *matcher {
	m := &matcher{reqs: reqs, approvers: approvers, reqSlots: make([][]int, len(reqs))}
	for i, r := range reqs {
		if r.Problem != "" {
			continue
		}
		for range r.Count {
			m.reqSlots[i] = append(m.reqSlots[i], len(m.slotReq))
			m.slotReq = append(m.slotReq, i)
		}
	}
	m.slotUser = make([]int, len(m.slotReq))
	for s := range m.slotUser {
		m.slotUser[s] = -1
	}
	m.userSlot = make([]int, len(approvers))
	m.eligible = make([][]bool, len(approvers))
	for u, a := range approvers {
		m.userSlot[u] = -1
		m.eligible[u] = make([]bool, len(reqs))
		for i, r := range reqs {
			m.eligible[u][i] = r.Problem == "" && r.isMember(a)
		}
	}
	return m
}

// fill tries to match every slot of requirement i and reports whether all
// of them are matched.
func (m *matcher) fill(i int) bool {
	complete := true
	for _, s := range m.reqSlots[i] {
		if m.slotUser[s] >= 0 {
			continue
		}
		if !m.augment(s, make([]bool, len(m.approvers))) {
			complete = false
		}
	}
	return complete
}

// augment finds an approver for slot s, moving already matched approvers to
// other slots they can fill when that frees someone.
func (m *matcher) augment(s int, visited []bool) bool {
	req := m.slotReq[s]
	for u := range m.approvers {
		if visited[u] || !m.eligible[u][req] {
			continue
		}
		// One person fills at most one slot of a requirement: moving them
		// between slots of the same requirement gains nothing.
		if cur := m.userSlot[u]; cur >= 0 && m.slotReq[cur] == req {
			continue
		}
		visited[u] = true
		if m.userSlot[u] < 0 || m.augment(m.userSlot[u], visited) {
			m.userSlot[u] = s
			m.slotUser[s] = u
			return true
		}
	}
	return false
}

type matching struct{ slotUser, userSlot []int }

func (m *matcher) snapshot() matching {
	return matching{append([]int(nil), m.slotUser...), append([]int(nil), m.userSlot...)}
}

func (m *matcher) restore(s matching) {
	copy(m.slotUser, s.slotUser)
	copy(m.userSlot, s.userSlot)
}
