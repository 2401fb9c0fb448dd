package parser

import (
	"strings"
)

// expandTemplate replaces template variables in script and returns the
// expanded text; p.tmpl maps it back to the script. Unknown variables are
// warnings: their name stands in for them, so that `${db}.orders` still
// reads as a table. A variable the script sets itself (SET x=v, SET
// hivevar:x=v, SET hiveconf:x=v at the start of a line) is defined from
// there on, over vars.
func (p *Parser) expandTemplate(script string, vars map[string]string, warn func(off int, msg string)) string {
	b := &p.tmpl
	b.reset()
	if !strings.Contains(script, "${") && !strings.Contains(script, "{{") && !strings.Contains(script, "{%") && !strings.Contains(script, "{#") {
		return script
	}
	clear(p.setVars)
	pos := 0
	var setName, setVal string
	setEnd := -1 // a SET statement's variable is defined after its end
	for i := 0; i+1 < len(script); i++ {
		c := script[i]
		if setEnd >= 0 && i >= setEnd {
			p.defineVar(setName, setVal)
			setEnd = -1
		}
		if (c == 'S' || c == 's') && setEnd < 0 && lineStart(script, i) {
			setName, setVal, setEnd = p.setVar(script, i, vars)
			continue
		}
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
			val, ok := p.lookup(vars, key)
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

// lookup finds a variable set by the script so far, then in vars.
func (p *Parser) lookup(vars map[string]string, key string) (string, bool) {
	if len(p.setVars) > 0 {
		if v, ok := lookupVar(p.setVars, key); ok {
			return v, true
		}
	}
	return lookupVar(vars, key)
}

// lineStart reports whether only blanks precede offset i on its line.
func lineStart(s string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch s[j] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}

// setVar reads SET [hivevar:|hiveconf:]name = value at offset i, if that
// is what is there, and returns the name, the value and the offset where
// the statement ends (-1 if there is none). The value runs to the
// semicolon or the end of the line, kept as written (Hive substitutes
// text, quotes included), with the variables it uses expanded.
func (p *Parser) setVar(script string, i int, vars map[string]string) (name, val string, end int) {
	if len(script) < i+5 || !strings.EqualFold(script[i:i+3], "SET") || script[i+3] != ' ' && script[i+3] != '\t' {
		return "", "", -1
	}
	j := i + 4
	for j < len(script) && (script[j] == ' ' || script[j] == '\t') {
		j++
	}
	k := j
	for k < len(script) && (isWordByte(script[k]) || script[k] == ':' || script[k] == '.') {
		k++
	}
	name = script[j:k]
	for k < len(script) && (script[k] == ' ' || script[k] == '\t') {
		k++
	}
	if name == "" || k >= len(script) || script[k] != '=' {
		return "", "", -1
	}
	e := k + 1
	for e < len(script) && script[e] != ';' && script[e] != '\n' {
		e++
	}
	val = strings.TrimSpace(script[k+1 : e])
	for from := 0; ; { // expand what the value itself uses, once
		a := strings.Index(val[from:], "${")
		if a < 0 {
			break
		}
		a += from
		z := strings.IndexByte(val[a:], '}')
		if z < 0 {
			break
		}
		key := strings.TrimSpace(val[a+2 : a+z])
		v, ok := p.lookup(vars, key)
		if !ok {
			v = bareName(key) // as in the script text, where it is warned about
		}
		val = val[:a] + v + val[a+z+1:]
		from = a + len(v)
	}
	return name, val, e
}

// defineVar defines a variable the script set, under its name and, for
// hivevar:x and hiveconf:x, under x too.
func (p *Parser) defineVar(name, val string) {
	if p.setVars == nil {
		p.setVars = map[string]string{}
	}
	p.setVars[name] = val
	if c := strings.IndexByte(name, ':'); c >= 0 {
		p.setVars[name[c+1:]] = val
	}
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
