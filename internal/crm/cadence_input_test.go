package crm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// cadenceField is the key of a one-key object at "$.c" read from body's JSON, as the router decodes it.
func cadenceField(t *testing.T, key, body string) jsonField {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return jsonObject{m: map[string]any{key: v}, path: "$.c"}.field(key)
}

func checkError(t *testing.T, e *Error, want string) {
	t.Helper()
	if e == nil {
		t.Fatalf("no error, want %s", want)
	}
	got, _ := json.Marshal(map[string]any{"code": e.Code, "message": e.Message, "details": e.Details})
	var g, w any
	_ = json.Unmarshal(got, &g)
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("error = %s\nwant    %s", got, want)
	}
}

// Rules of cadence bodies that the HTTP scenarios (httpapi/cadences_test.go) leave out.
func TestCadenceBodyRules(t *testing.T) {
	existing := []map[string]any{{"id": "11"}, {"id": "12"}}
	task := `"action":{"type":"tasks"}`
	cases := []struct {
		name, key, body, want string
	}{
		{"a null follow-up is a wrong type, not a missing one", "follow_ups", `[null]`,
			`{"code":"INVALID_DATA","message":"Invalid data type","details":{"api_name":"follow_ups","expected_data_type":"jsonobject","json_path":"$.c.follow_ups[0]"}}`},
		{"a null unenrol rule is a wrong type, not a missing one", "execution_details", `{"unenroll_properties":[null]}`,
			`{"code":"INVALID_DATA","message":"Invalid data type","details":{"api_name":"unenroll_properties","expected_data_type":"jsonobject","json_path":"$.c.execution_details.unenroll_properties[0]"}}`},
		{"parents named by id in a cycle", "follow_ups",
			`[{"id":"11","parent_follow_up":{"id":"12"},` + task + `},{"id":12,"parent_follow_up":{"id":11},` + task + `}]`,
			`{"code":"INVALID_DATA","message":"the id given seems to be invalid","details":{"api_name":"id","json_path":"$.c.follow_ups[0].parent_follow_up.id"}}`},
		{"an execute_after period that is not text lists the periods", "follow_ups", `[{"reference_id":"1","execute_after":{"unit":1,"period":5},` + task + `}]`,
			`{"code":"INVALID_DATA","message":"invalid data","details":{"api_name":"period","json_path":"$.c.follow_ups[0].execute_after.period","supported_values":["minutes","hours","business_hours","days","business_days","months"]}}`},
		{"an action type that is not text lists the types", "follow_ups", `[{"reference_id":"1","action":{"type":true}}]`,
			`{"code":"INVALID_DATA","message":"invalid data","details":{"api_name":"type","json_path":"$.c.follow_ups[0].action.type","supported_values":["tasks","email_notifications","schedule_call","whatsapp_message_notification"]}}`},
		{"an execute_after unit that is not a number is invalid, not a wrong type", "follow_ups", `[{"reference_id":"1","execute_after":{"unit":"1","period":"days"},` + task + `}]`,
			`{"code":"INVALID_DATA","message":"the value given seems to be invalid","details":{"api_name":"unit","json_path":"$.c.follow_ups[0].execute_after.unit"}}`},
		{"unenrol details that are not an object are missing", "execution_details", `{"unenroll_properties":[{"type":"criteria","details":[]}]}`,
			`{"code":"DEPENDENT_FIELD_MISSING","message":"Dependent Field missing","details":{"dependee":{"api_name":"type","json_path":"$.c.execution_details.unenroll_properties[0].type"},"api_name":"details","json_path":"$.c.execution_details.unenroll_properties[0].details"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := cadenceField(t, c.key, c.body)
			var e *Error
			if c.key == "follow_ups" {
				_, e = followUps(f, existing)
			} else {
				_, e = execution(f)
			}
			checkError(t, e, c.want)
		})
	}
}
