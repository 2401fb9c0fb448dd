-- dialect: tsql
-- T-SQL: no semicolons, [bracketed] names, #temp tables, UPDATE through an alias.
CREATE PROCEDURE dbo.load_sales
AS
BEGIN
SET NOCOUNT ON
SELECT s.* INTO #recent FROM [Sales].[Orders] s WITH (NOLOCK) WHERE s.OrderDate > DATEADD(day, -7, GETDATE())
INSERT INTO dw.dbo.FactSales (OrderID, Amount)
SELECT TOP 1000 r.OrderID, r.Amount FROM #recent r
UPDATE f SET f.Flag = 1
FROM dw.dbo.FactSales AS f
JOIN [Sales].[Returns] AS rt ON rt.OrderID = f.OrderID
DROP TABLE #recent
END
GO
