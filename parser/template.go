package parser

import (
	"strings"
)

// expandTemplate replaces template variables in script and returns the
// expanded text; p.tmpl maps it back to the script. Unknown variables are
// warnings: their name stands in for them, so that `${db}.orders` still
// reads as a table.
func (p *Parser) expandTemplate(script string, vars map[string]string, warn func(off int, msg string)) string {
	if !strings.Contains(script, "${") && !strings.Contains(script, "{{") && !strings.Contains(script, "{%") && !strings.Contains(script, "{#") {
		return script
	}
	b := &p.tmpl
	b.reset()
	pos := 0
	for i := 0; i+1 < len(script); i++ {
		c := script[i]
		if c != '$' && c != '{' {
			continue
		}
		switch {
		case c == '$' && script[i+1] == '{':
			end := strings.IndexByte(script[i+2:], '}')
			if end < 0 || strings.IndexByte(script[i+2:i+2+end], '\n') >= 0 {
				continue
			}
			key := strings.TrimSpace(script[i+2 : i+2+end])
			val, ok := lookupVar(vars, key)
			if !ok {
				warn(i, "unknown template variable ${"+key+"}")
				val = bareName(key)
			}
			b.copy(script, pos, i)
			b.lit(val, i)
			pos = i + 2 + end + 1
			i = pos - 1
		case c == '{' && (script[i+1] == '{' || script[i+1] == '%' || script[i+1] == '#'):
			closeTok := "}}"
			if script[i+1] == '%' {
				closeTok = "%}"
			} else if script[i+1] == '#' {
				closeTok = "#}"
			}
			end := strings.Index(script[i+2:], closeTok)
			if end < 0 {
				continue
			}
			expr := strings.TrimSpace(script[i+2 : i+2+end])
			var val string
			switch script[i+1] {
			case '{':
				val = p.jinja(expr, vars, func(msg string) { warn(i, msg) })
			case '%':
				warn(i, "template statement {% "+expr+" %} ignored")
			}
			b.copy(script, pos, i)
			if val == "" {
				b.blank(script, i, i+2+end+2)
			} else {
				b.lit(val, i)
			}
			pos = i + 2 + end + 2
			i = pos - 1
		}
	}
	b.copy(script, pos, len(script))
	return string(b.buf)
}

func lookupVar(vars map[string]string, key string) (string, bool) {
	if v, ok := vars[key]; ok {
		return v, true
	}
	if j := strings.IndexByte(key, ':'); j >= 0 {
		if v, ok := vars[key[j+1:]]; ok {
			return v, true
		}
	}
	return "", false
}

// bareName is what an unknown variable becomes: its name without prefix.
func bareName(key string) string {
	if j := strings.IndexByte(key, ':'); j >= 0 {
		key = key[j+1:]
	}
	var sb strings.Builder
	for i := 0; i < len(key); i++ {
		if isWordByte(key[i]) || key[i] == '.' {
			sb.WriteByte(key[i])
		}
	}
	if sb.Len() == 0 {
		return "var"
	}
	return sb.String()
}

// jinja evaluates the few Jinja expressions SQL templates use: a variable,
// var('x'), ref('model'), source('schema', 'table'), config(...).
func (p *Parser) jinja(expr string, vars map[string]string, warn func(string)) string {
	if isSimpleName(expr) {
		if v, ok := lookupVar(vars, expr); ok {
			return v
		}
		warn("unknown template variable {{ " + expr + " }}")
		return bareName(expr)
	}
	open := strings.IndexByte(expr, '(')
	if open > 0 && strings.HasSuffix(expr, ")") {
		fn := strings.TrimSpace(expr[:open])
		args := splitArgs(expr[open+1 : len(expr)-1])
		switch fn {
		case "ref":
			if len(args) > 0 {
				return args[len(args)-1]
			}
		case "source":
			if len(args) == 2 {
				return args[0] + "." + args[1]
			}
		case "var", "env_var":
			if len(args) > 0 {
				if v, ok := lookupVar(vars, args[0]); ok {
					return v
				}
				if len(args) > 1 {
					return args[1]
				}
				warn("unknown template variable " + args[0])
				return bareName(args[0])
			}
		case "config":
			return ""
		}
	}
	warn("template expression {{ " + expr + " }} not understood")
	return ""
}

func isSimpleName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) && s[i] != '.' && s[i] != ':' {
			return false
		}
	}
	return true
}

// splitArgs splits "'a', \"b\"" into [a b], dropping quotes and keyword args.
func splitArgs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		if strings.Contains(a, "=") {
			continue
		}
		a = strings.Trim(a, `'"`)
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}
