package handlers

// PolicyPath is where a repository keeps its commsgate policy, always read
// from the default branch.
const PolicyPath = ".github/commsgate.yml"
