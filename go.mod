module github.com/meetd/meetd

go 1.26
