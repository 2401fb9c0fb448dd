// Package warehouse embeds the sample warehouse: job scripts of an online
// shop across Hive, Spark, Postgres and MySQL, in workflows with owners.
// `lineage serve` loads it into an empty store so that a first run shows
// real lineage.
package warehouse

import "embed"

// FS holds the repository: lineage.yaml, CODEOWNERS and the scripts and
// workflow files under ods/, dwd/, dws/, marketing/, finance/, reporting/,
// supply_chain/ and sandbox/.
//
//go:embed lineage.yaml CODEOWNERS ods dwd dws marketing finance reporting supply_chain sandbox
var FS embed.FS
