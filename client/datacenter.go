package client

import (
	"fmt"
	"net/url"
	"strings"
)

// DataCenter is a Zoho data centre: the region whose API and accounts hosts hold an org's data.
// Tokens are data-centre specific: a token from accounts.zoho.eu works only on www.zohoapis.eu.
type DataCenter string

// The Zoho data centres.
const (
	US DataCenter = "US" // zohoapis.com, accounts.zoho.com
	EU DataCenter = "EU" // zohoapis.eu, accounts.zoho.eu
	IN DataCenter = "IN" // zohoapis.in, accounts.zoho.in
	AU DataCenter = "AU" // zohoapis.com.au, accounts.zoho.com.au
	JP DataCenter = "JP" // zohoapis.jp, accounts.zoho.jp
	CA DataCenter = "CA" // zohoapis.ca, accounts.zohocloud.ca
	CN DataCenter = "CN" // zohoapis.com.cn, accounts.zoho.com.cn
	SA DataCenter = "SA" // zohoapis.sa, accounts.zoho.sa
)

// Environment is one of a data centre's CRM environments.
type Environment string

// The environments. Sandbox and developer orgs share their data centre's accounts server.
const (
	Production Environment = "production" // www.zohoapis.<domain>
	Sandbox    Environment = "sandbox"    // sandbox.zohoapis.<domain>
	Developer  Environment = "developer"  // developer.zohoapis.<domain>
)

// dcHosts is, per data centre, the domain suffix of its API hosts and its accounts host.
var dcHosts = map[DataCenter]struct{ apiSuffix, accounts string }{
	US: {"zohoapis.com", "accounts.zoho.com"},
	EU: {"zohoapis.eu", "accounts.zoho.eu"},
	IN: {"zohoapis.in", "accounts.zoho.in"},
	AU: {"zohoapis.com.au", "accounts.zoho.com.au"},
	JP: {"zohoapis.jp", "accounts.zoho.jp"},
	CA: {"zohoapis.ca", "accounts.zohocloud.ca"},
	CN: {"zohoapis.com.cn", "accounts.zoho.com.cn"},
	SA: {"zohoapis.sa", "accounts.zoho.sa"},
}

// envPrefix is the host label of each environment's API host.
var envPrefix = map[Environment]string{Production: "www", Sandbox: "sandbox", Developer: "developer"}

// DataCenters lists every data centre, in Zoho's documentation order.
func DataCenters() []DataCenter { return []DataCenter{US, EU, IN, AU, JP, CA, CN, SA} }

// Endpoint is where a client sends its calls: the API domain (CRM calls go to
// <APIDomain>/crm/<version>/…) and the accounts server (tokens at <AccountsURL>/oauth/v2/token).
type Endpoint struct {
	APIDomain   string // e.g. https://www.zohoapis.com
	AccountsURL string // e.g. https://accounts.zoho.com
}

// ZohoEndpoint returns the API domain and accounts server of a data centre's environment, or an
// error naming the valid choices when dc or env is unknown.
func ZohoEndpoint(dc DataCenter, env Environment) (Endpoint, error) {
	h, ok := dcHosts[DataCenter(strings.ToUpper(string(dc)))]
	if !ok {
		return Endpoint{}, fmt.Errorf("zcrm client: unknown data centre %q (want US, EU, IN, AU, JP, CA, CN or SA)", dc)
	}
	if env == "" {
		env = Production
	}
	prefix, ok := envPrefix[Environment(strings.ToLower(string(env)))]
	if !ok {
		return Endpoint{}, fmt.Errorf("zcrm client: unknown environment %q (want production, sandbox or developer)", env)
	}
	return Endpoint{APIDomain: "https://" + prefix + "." + h.apiSuffix, AccountsURL: "https://" + h.accounts}, nil
}

// BaseEndpoint is the endpoint of a server that serves the API and the accounts endpoints under one
// base URL, as zcrm does (e.g. http://127.0.0.1:8080). A trailing slash is dropped.
func BaseEndpoint(baseURL string) Endpoint {
	b := strings.TrimRight(baseURL, "/")
	return Endpoint{APIDomain: b, AccountsURL: b}
}

// DataCenterOf reports which Zoho data centre and environment an API domain (such as a token
// response's api_domain) belongs to; ok is false for any other host, such as a zcrm server.
func DataCenterOf(apiDomain string) (dc DataCenter, env Environment, ok bool) {
	u, err := url.Parse(apiDomain)
	if err != nil || u.Host == "" {
		return "", "", false
	}
	host := strings.ToLower(u.Hostname())
	for d, h := range dcHosts {
		for e, p := range envPrefix {
			if host == p+"."+h.apiSuffix {
				return d, e, true
			}
		}
	}
	return "", "", false
}
