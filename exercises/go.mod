module github.com/streamworkshop/workshop/exercises

go 1.26.0

require github.com/streamworkshop/workshop v0.0.0

replace github.com/streamworkshop/workshop => ../
