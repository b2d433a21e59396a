package client_test

import (
	"testing"

	"github.com/zcrm/zcrm/client"
)

// Every data centre and environment maps to Zoho's hosts, as the official SDKs list them.
func TestZohoEndpoint(t *testing.T) {
	tests := []struct {
		dc                  client.DataCenter
		env                 client.Environment
		apiDomain, accounts string
	}{
		{client.US, client.Production, "https://www.zohoapis.com", "https://accounts.zoho.com"},
		{client.US, client.Sandbox, "https://sandbox.zohoapis.com", "https://accounts.zoho.com"},
		{client.US, client.Developer, "https://developer.zohoapis.com", "https://accounts.zoho.com"},
		{client.EU, client.Production, "https://www.zohoapis.eu", "https://accounts.zoho.eu"},
		{client.EU, client.Sandbox, "https://sandbox.zohoapis.eu", "https://accounts.zoho.eu"},
		{client.IN, client.Production, "https://www.zohoapis.in", "https://accounts.zoho.in"},
		{client.IN, client.Developer, "https://developer.zohoapis.in", "https://accounts.zoho.in"},
		{client.AU, client.Production, "https://www.zohoapis.com.au", "https://accounts.zoho.com.au"},
		{client.JP, client.Sandbox, "https://sandbox.zohoapis.jp", "https://accounts.zoho.jp"},
		{client.CA, client.Production, "https://www.zohoapis.ca", "https://accounts.zohocloud.ca"},
		{client.CA, client.Developer, "https://developer.zohoapis.ca", "https://accounts.zohocloud.ca"},
		{client.CN, client.Production, "https://www.zohoapis.com.cn", "https://accounts.zoho.com.cn"},
		{client.SA, client.Sandbox, "https://sandbox.zohoapis.sa", "https://accounts.zoho.sa"},
		{"eu", "", "https://www.zohoapis.eu", "https://accounts.zoho.eu"}, // case-insensitive, production by default
	}
	for _, tt := range tests {
		ep, err := client.ZohoEndpoint(tt.dc, tt.env)
		if err != nil {
			t.Fatalf("%s/%s: %v", tt.dc, tt.env, err)
		}
		if ep.APIDomain != tt.apiDomain || ep.AccountsURL != tt.accounts {
			t.Errorf("%s/%s = %+v, want %s and %s", tt.dc, tt.env, ep, tt.apiDomain, tt.accounts)
		}
	}
	if len(client.DataCenters()) != 8 {
		t.Fatalf("DataCenters() = %v, want the eight", client.DataCenters())
	}
	for _, dc := range client.DataCenters() {
		for _, env := range []client.Environment{client.Production, client.Sandbox, client.Developer} {
			ep, err := client.ZohoEndpoint(dc, env)
			if err != nil {
				t.Fatal(err)
			}
			gdc, genv, ok := client.DataCenterOf(ep.APIDomain)
			if !ok || gdc != dc || genv != env {
				t.Errorf("DataCenterOf(%s) = %s %s %v, want %s %s", ep.APIDomain, gdc, genv, ok, dc, env)
			}
		}
	}
}

func TestZohoEndpointRejectsUnknown(t *testing.T) {
	if _, err := client.ZohoEndpoint("XX", client.Production); err == nil {
		t.Error("unknown data centre accepted")
	}
	if _, err := client.ZohoEndpoint(client.US, "staging"); err == nil {
		t.Error("unknown environment accepted")
	}
	if _, _, ok := client.DataCenterOf("http://127.0.0.1:8080"); ok {
		t.Error("a zcrm URL was taken for a Zoho data centre")
	}
	if _, err := client.New(client.WithDataCenter("XX", client.Production)); err == nil {
		t.Error("New accepted an unknown data centre")
	}
	if _, err := client.New(client.WithBaseURL("ftp://x")); err == nil {
		t.Error("New accepted a non-http base URL")
	}
}

func TestNewDefaultsAndOptions(t *testing.T) {
	c, err := client.New()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Endpoint(); got.APIDomain != "https://www.zohoapis.com" || got.AccountsURL != "https://accounts.zoho.com" {
		t.Errorf("default endpoint = %+v, want US production", got)
	}
	if c.APIVersion() != "v8" {
		t.Errorf("default version = %s, want v8", c.APIVersion())
	}
	c, err = client.New(client.WithDataCenter(client.CA, client.Sandbox), client.WithAPIVersion("v7"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Endpoint(); got.APIDomain != "https://sandbox.zohoapis.ca" || got.AccountsURL != "https://accounts.zohocloud.ca" || c.APIVersion() != "v7" {
		t.Errorf("CA sandbox v7 = %+v %s", got, c.APIVersion())
	}
	c, err = client.New(client.WithBaseURL("http://127.0.0.1:8080/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Endpoint(); got.APIDomain != "http://127.0.0.1:8080" || got.AccountsURL != "http://127.0.0.1:8080" {
		t.Errorf("base URL endpoint = %+v", got)
	}
}
