-- wrk: POST /api/v1/ai/suggest with descriptions as bills of quantities write them; the token of
-- a signed-in user comes from the environment (AI_TOKEN).
local descriptions = {
  "устройство кровли из наплавляемых материалов в 2 слоя",
  "прокладка стальных труб водоснабжения Ду 50",
  "демонтаж перегородок из кирпича",
  "окраска стен водоэмульсионной краской за 2 раза",
  "монтаж вентиляторов радиальных 7,5 кВт",
  "теплоизоляция трубопроводов минватой, диаметр 100 мм",
  "бетонирование фундаментов, монолит",
  "замена радиаторов отопления чугунных",
}
local token = os.getenv("AI_TOKEN")
local i = 0
request = function()
  i = i + 1
  local body = '{"text":"' .. descriptions[(i % #descriptions) + 1] .. '","limit":5}'
  return wrk.format("POST", "/api/v1/ai/suggest",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
