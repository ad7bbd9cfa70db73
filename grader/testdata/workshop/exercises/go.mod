module example.com/fixture/exercises

go 1.26

require example.com/fixture v0.0.0

replace example.com/fixture => ../
