-- wrk: cycles through typical estimator queries against /api/v1/norms (URL-encoded).
local queries = {
  "%D1%82%D1%80%D1%83%D0%B1%D0%BE%D0%BF%D1%80%D0%BE%D0%B2%D0%BE%D0%B4%D0%BE%D0%B2",  -- трубопроводов
  "%D0%BA%D0%BB%D0%B0%D0%B4%D0%BA%D0%B0%20%D1%81%D1%82%D0%B5%D0%BD",              -- кладка стен
  "%D0%94%D1%83%2050",                                                              -- Ду 50
  "12-01",                                                                          -- code prefix
  "%D0%B4%D0%B5%D0%BC%D0%BE%D0%BD%D1%82%D0%B0%D0%B6%20%D0%BA%D1%80%D0%BE%D0%B2%D0%B5%D0%BB%D1%8C", -- демонтаж кровель
  "%D0%B8%D0%B7%D0%BE%D0%BB%D1%8F%D1%86%D0%B8%D1%8F%20%D1%82%D1%80%D1%83%D0%B1%D0%BE%D0%BF%D1%80%D0%BE%D0%B2%D0%BE%D0%B4%D0%BE%D0%B2%20%D0%B4%D0%B8%D0%B0%D0%BC%D0%B5%D1%82%D1%80%D0%BE%D0%BC%20100%20%D0%BC%D0%BC", -- изоляция трубопроводов диаметром 100 мм
  "%D0%93%D0%AD%D0%A1%D0%9D07-02",                                                  -- ГЭСН07-02
  "%D0%BE%D0%BA%D1%80%D0%B0%D1%81%D0%BA%D0%B0",                                     -- окраска
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/norms?limit=20&q=" .. queries[(i % #queries) + 1])
end
