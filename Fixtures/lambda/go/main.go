// A Go function in the shape of the seeds' go1.x handler: an IAM auth token from aws-sdk-go's rdsutils, go-sql-driver
// with tls=true (the system's roots) and allowCleartextPasswords, the proxy by its DNS name on port 3306. It runs its
// own Lambda Runtime API loop (aws-lambda-go is not packaged here) and answers CURRENT_USER(). Built as AWS documents
// Go functions: CGO_ENABLED=0, a static binary that resolves names and connects without libc. With DB_CA_FILE set it
// verifies the proxy with that PEM file alone, as the seed's registered "custom" TLS config (AmazonRootCA1.pem) does.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/rds/rdsutils"
	"github.com/go-sql-driver/mysql"
)

func currentUser() (string, error) {
	host, user, region := os.Getenv("DB_HOST"), os.Getenv("DB_USER"), os.Getenv("AWS_REGION")
	endpoint := fmt.Sprintf("%s:%d", host, 3306)
	token, err := rdsutils.BuildAuthToken(endpoint, region, user, credentials.NewEnvCredentials())
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	config := mysql.NewConfig()
	config.User, config.Passwd, config.Net, config.Addr = user, token, "tcp", endpoint
	config.TLSConfig, config.AllowCleartextPasswords = "true", true
	if file := os.Getenv("DB_CA_FILE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return "", fmt.Errorf("%s holds no PEM certificate", file)
		}
		if err := mysql.RegisterTLSConfig("custom", &tls.Config{RootCAs: roots, ServerName: host}); err != nil {
			return "", err
		}
		config.TLSConfig = "custom"
	}
	config.DBName = os.Getenv("DB_NAME")
	config.Timeout = 3 * time.Second
	db, err := sql.Open("mysql", config.FormatDSN())
	if err != nil {
		return "", err
	}
	defer db.Close()
	var current string
	err = db.QueryRow("SELECT CURRENT_USER()").Scan(&current)
	return current, err
}

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		next, err := http.Get(api + "next")
		if err != nil {
			fmt.Fprintln(os.Stderr, "runtime API:", err)
			os.Exit(1)
		}
		io.Copy(io.Discard, next.Body)
		next.Body.Close()
		id := next.Header.Get("Lambda-Runtime-Aws-Request-Id")
		user, err := currentUser()
		if err != nil {
			fmt.Println("ERROR", err)
			body, _ := json.Marshal(map[string]string{"errorType": "DatabaseError", "errorMessage": err.Error()})
			http.Post(api+id+"/error", "application/json", bytes.NewReader(body))
			continue
		}
		body, _ := json.Marshal(map[string]string{"user": user, "runtime": "go"})
		http.Post(api+id+"/response", "application/json", bytes.NewReader(body))
	}
}
