// A Go client of PostgreSQL as apps write one: database/sql with lib/pq, TLS verified against a root certificate,
// parameterised queries (lib/pq's extended protocol). Built in GOPATH mode with Debian's golang-github-lib-pq-dev.
//
// Usage: DB_PASSWORD=... libpq_client HOST PORT USER DATABASE [SSLROOTCERT]
// Prints one JSON object: what the queries returned, or the error (with its SQLSTATE).
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"

	"github.com/lib/pq"
)

func main() {
	host, port, user, database := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	dsn := fmt.Sprintf("host=%s port=%s user=%s dbname=%s password='%s' connect_timeout=10 application_name=libpq-go", host, port, user, database, os.Getenv("DB_PASSWORD"))
	if len(os.Args) > 5 {
		dsn += " sslmode=verify-full sslrootcert=" + os.Args[5]
	} else {
		dsn += " sslmode=disable"
	}
	out := json.NewEncoder(os.Stdout)
	fail := func(err error) {
		code := ""
		if pqErr, ok := err.(*pq.Error); ok {
			code = string(pqErr.Code)
		}
		out.Encode(map[string]string{"error": err.Error(), "sqlstate": code})
		os.Exit(0)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	var current string
	if err := db.QueryRow("SELECT current_user").Scan(&current); err != nil {
		fail(err)
	}
	rows, err := db.Query("SELECT name FROM items WHERE price > $1 AND price < $2 ORDER BY id", 1, 3)
	if err != nil {
		fail(err)
	}
	names := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			fail(err)
		}
		names = append(names, name)
	}
	var id int64
	if err := db.QueryRow("INSERT INTO items (name, price) VALUES ($1, $2) RETURNING id", "go-"+user, 4.5).Scan(&id); err != nil {
		fail(err)
	}
	out.Encode(map[string]interface{}{"user": current, "names": names, "id": id})
}
