package gql

//go:generate go tool gqlgen generate
